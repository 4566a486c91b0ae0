using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Webhooks.Tests;

/// <summary>One attempt over real HTTP to a receiver on Kestrel, as Standard Webhooks v1 and api.md 1.1 have it.</summary>
public sealed class HttpWebhookSenderTests : IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly Instant At = Instant.FromUtc(2026, 11, 26, 1, 12, 30);

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    /// <summary>The keys come sealed, as the subscription stores them.</summary>
    private static readonly DataProtectionSigningKeySeal Seal = new(new EphemeralDataProtectionProvider());

    private static HttpWebhookSender Sender(bool allowPrivateNetworks = true, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null, double timeoutSeconds = 15) =>
        new(new CallbackGuard(allowPrivateNetworks, resolve), Seal, NullLogger<HttpWebhookSender>.Instance, TimeSpan.FromSeconds(timeoutSeconds));

    private WebhookRequest Request(string path, ShipmentNotification notification, params string[] secrets) => new(
        new Uri(_receiver.Url(path)), "sub_1", "msg_0123456789abcdef0123456789abcdef", At, notification,
        secrets.Select(s => WebhookSecret.TryParse(s, out var key) ? Seal.Seal(key) : throw new ArgumentException(s)).ToList());

    private static ShipmentNotification Departure() => new(7, NotificationTypes.Event, Instant.FromUtc(2026, 11, 26, 1, 12, 5), "GZ26-000123",
        Event: TimelineEntry.Of(new TransitEvent("SDE-3", EventType.TRANSPORT, EventCode.DEPA, EventClassifier.ACT,
            new LocalDateTime(2026, 11, 26, 9, 12).WithOffset(Offset.FromHours(8)), UnLocode.Parse("CNSUD"), null, TransportMode.BARGE,
            "SUIGANG903-2611A", null, null, Instant.FromUtc(2026, 11, 26, 1, 12, 4)) { ReportedBy = "shunde-terminal" }));

    [Fact]
    public async Task A_notification_is_posted_as_JSON_with_the_Standard_Webhooks_headers_signed_with_every_key()
    {
        var rotated = WebhookSecret.Format(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        using var sender = Sender();

        var response = await sender.SendAsync(Request("event", Departure(), rotated, Secret), CancellationToken.None);

        Assert.Equal(new WebhookResponse(204, null, null), response);
        var webhook = Assert.Single(_receiver.At("event"));
        Assert.Equal("msg_0123456789abcdef0123456789abcdef", webhook.WebhookId);
        Assert.Equal(At.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), webhook.Timestamp);
        Assert.Equal([rotated, Secret], StandardWebhooksCheck.SignedBy(webhook, rotated, Secret));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "type": "shipment.event", "timestamp": "2026-11-26T01:12:05Z", "subscriptionId": "sub_1",
              "data": { "shipmentId": "GZ26-000123", "eventId": "SDE-3", "eventType": "TRANSPORT", "eventCode": "DEPA", "classifier": "ACT",
                        "eventDateTime": "2026-11-26T09:12:00+08:00", "location": "CNSUD", "facility": null, "modeOfTransport": "BARGE",
                        "conveyanceId": "SUIGANG903-2611A", "containerNumber": null, "declarationNumber": null,
                        "receivedAt": "2026-11-26T01:12:04Z", "reportedBy": "shunde-terminal", "emptyIndicator": null } }
            """), webhook.Json), webhook.Json.ToJsonString());
    }

    [Fact]
    public async Task Status_ETA_and_refund_changes_carry_their_own_data()
    {
        using var sender = Sender();
        var refund = new TaxRefundView(TaxRefundStatus.REVOKED, "CNSUD", "CNNSA", new LocalDateTime(2027, 1, 25, 23, 59, 59).WithOffset(Offset.FromHours(8)),
            [new TriggerView("GZ26-000123:REFUND_REVOKED", TaxRefundTriggerKind.REFUND_REVOKED, At, null, RefundRevocationReason.CANCELLED)]);
        var rotterdam = Offset.FromHours(1);
        ShipmentNotification[] notifications =
        [
            new(1, NotificationTypes.StatusChanged, At, "GZ26-1", Status: ShipmentStatus.CANCELLED, PreviousStatus: ShipmentStatus.IN_TRANSIT),
            new(2, NotificationTypes.EtaChanged, At, "GZ26-1", Eta: new LocalDateTime(2026, 12, 30, 6, 12).WithOffset(rotterdam), PreviousEta: null),
            new(3, NotificationTypes.TaxRefundChanged, At, "GZ26-1", TaxRefund: refund),
        ];
        foreach (var n in notifications)
        {
            await sender.SendAsync(Request("changes", n, Secret), CancellationToken.None);
        }

        var data = _receiver.At("changes").Select(r => r.Data).ToList();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"shipmentId":"GZ26-1","status":"CANCELLED","previousStatus":"IN_TRANSIT"}"""), data[0]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"shipmentId":"GZ26-1","eta":"2026-12-30T06:12:00+01:00","previousEta":null}"""), data[1]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "shipmentId": "GZ26-1",
              "taxRefund": { "status": "REVOKED", "departurePort": "CNSUD", "exitPort": "CNNSA", "deadline": "2027-01-25T23:59:59+08:00",
                             "triggers": [ { "messageId": "GZ26-000123:REFUND_REVOKED", "kind": "REFUND_REVOKED", "issuedAt": "2026-11-26T01:12:30Z",
                                             "deliveredAt": null, "reason": "CANCELLED" } ] } }
            """), data[2]), data[2].ToJsonString());
    }

    [Fact]
    public async Task Failures_come_back_as_answers_with_the_status_Retry_After_or_the_error()
    {
        _receiver.Answer("fail", new ReceiverAnswer(503, RetryAfter: "120"), new ReceiverAnswer(429, RetryAfter: "Thu, 26 Nov 2026 01:14:30 GMT"),
            new ReceiverAnswer(410), new ReceiverAnswer(500));
        using var sender = Sender();

        var answers = new List<WebhookResponse>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await sender.SendAsync(Request("fail", Departure(), Secret), CancellationToken.None));
        }

        Assert.Equal(
        [
            new WebhookResponse(503, Duration.FromSeconds(120), "answered 503 Service Unavailable"),
            new WebhookResponse(429, Duration.FromMinutes(2), "answered 429 Too Many Requests"),
            new WebhookResponse(410, null, "answered 410 Gone"),
            new WebhookResponse(500, null, "answered 500 Internal Server Error"),
        ], answers);

        var nobody = new Uri($"http://127.0.0.1:{FreePorts.Next()}/nobody");
        var refused = await sender.SendAsync(Request("x", Departure(), Secret) with { CallbackUrl = nobody }, CancellationToken.None);
        Assert.Null(refused.StatusCode);
        Assert.Contains("refused", refused.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_redirect_is_a_failure_and_is_not_followed()
    {
        _receiver.Answer("moved", new ReceiverAnswer(308, Location: _receiver.Url("elsewhere")));
        using var sender = Sender();

        var response = await sender.SendAsync(Request("moved", Departure(), Secret), CancellationToken.None);

        Assert.Equal(308, response.StatusCode);
        Assert.Equal(WebhookAnswer.Failed, WebhookRetrySchedule.Classify(response.StatusCode));
        Assert.Empty(_receiver.At("elsewhere"));
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_has_failed()
    {
        _receiver.Answer("slow", new ReceiverAnswer(200, Delay: TimeSpan.FromSeconds(5)));
        using var sender = Sender(timeoutSeconds: 1);

        var response = await sender.SendAsync(Request("slow", Departure(), Secret), CancellationToken.None);

        Assert.Equal(new WebhookResponse(null, null, "no answer within 1 s"), response);
    }

    [Fact]
    public async Task At_delivery_an_address_callbacks_may_not_reach_is_refused_before_anything_is_sent()
    {
        // The receiver listens on loopback: outside Development, a delivery may not go there, by address or by name.
        using var strict = Sender(allowPrivateNetworks: false);
        var literal = await strict.SendAsync(Request("inside", Departure(), Secret), CancellationToken.None);
        Assert.Null(literal.StatusCode);
        Assert.Equal("127.0.0.1 is a loopback address: callbacks may not reach it", literal.Error);

        // A name that resolved to a public address when the subscription was made, and now resolves inside (DNS rebinding).
        using var rebound = Sender(allowPrivateNetworks: false, resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("203.0.113.9"), IPAddress.Loopback }));
        var byName = await rebound.SendAsync(
            Request("inside", Departure(), Secret) with { CallbackUrl = new Uri($"http://hooks.example:{_receiver.BaseAddress.Port}/inside") },
            CancellationToken.None);
        Assert.Equal("hooks.example resolves to 127.0.0.1, a loopback address: callbacks may not reach it", byName.Error);
        Assert.Empty(_receiver.At("inside"));
    }

    [Fact]
    public async Task The_guard_answers_why_a_callback_is_refused_and_allows_everything_where_private_networks_are_allowed()
    {
        var guard = new CallbackGuard(false, (host, _) => Task.FromResult(host == "intranet.example" ? [IPAddress.Parse("10.20.30.40")] : new[] { IPAddress.Parse("93.184.216.34") }));
        Assert.Equal("intranet.example resolves to 10.20.30.40, a private address: callbacks may not reach it",
            await guard.RefusalAsync(new Uri("https://intranet.example/hook"), CancellationToken.None));
        Assert.Equal("192.168.0.1 is a private address: callbacks may not reach it",
            await guard.RefusalAsync(new Uri("https://192.168.0.1/hook"), CancellationToken.None));
        Assert.Null(await guard.RefusalAsync(new Uri("https://hooks.example/hook"), CancellationToken.None));
        var unknown = new CallbackGuard(false, (_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)));
        Assert.Equal("the host no-such-host.example cannot be resolved",
            await unknown.RefusalAsync(new Uri("https://no-such-host.example/hook"), CancellationToken.None));

        Assert.Null(await new CallbackGuard(true).RefusalAsync(new Uri("https://localhost/hook"), CancellationToken.None));
    }

    [Theory]
    [InlineData(false, null, false)]
    [InlineData(true, null, true)]
    [InlineData(false, "true", true)]
    [InlineData(false, "false", false)]
    public async Task Private_networks_are_allowed_in_Development_or_when_configured(bool development, string? allow, bool allowed)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Transit:Webhooks:AllowPrivateNetworks"] = allow })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddWebhookDelivery(configuration, development).BuildServiceProvider();

        var refusal = await services.GetRequiredService<ICallbackGuard>().RefusalAsync(new Uri("https://10.0.0.1/hook"), CancellationToken.None);

        Assert.Equal(allowed, refusal is null);
        Assert.IsType<HttpWebhookSender>(services.GetRequiredService<IWebhookSender>());
    }
}
