using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using NodaTime;
using TransitGrains.PortSimulator;
using TransitGrains.WebhookReceiver;

namespace TransitGrains.Scenarios.Tests;

/// <summary>
/// The receiver sample as a forwarder runs it, subscribed with the forwarder CLI: the one-port journey's notifications
/// arrive, are checked and printed once each; and what it refuses.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class WebhookReceiverTests(TransitSilo silo)
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public async Task Subscribed_with_the_CLI_the_receiver_prints_each_notification_of_a_journey_once()
    {
        var printed = new WatchedOutput();
        var (receiver, url) = await StartReceiver(printed, Secret);
        await using var _ = receiver;
        var callback = new Uri(url, ReceiverApp.Path).ToString();

        var (id, container, barge) = (Unique.Id("WHR"), Unique.Container(), Unique.Id("SUIGANG907"));
        var subscribed = await Cli("subscribe", "--callback-url", callback, "--shipment", id, "--secret", Secret);
        Assert.True(subscribed.Code == 0, subscribed.Output);
        Assert.Contains($"-> {callback} (every type; shipments {id})", subscribed.Output);
        Assert.Contains($"secret: {Secret}", subscribed.Output);
        var subscription = subscribed.Output.Split(' ', '\n').Single(w => w.StartsWith("sub_", StringComparison.Ordinal));

        var (shunde, nansha) = (Network.Feeders[0].Place, Network.Nansha);
        var t0 = TransitSilo.Now - Duration.FromHours(6);
        await silo.Book(new Booking(id, null, [container], "GENERAL", null,
            [new("BARGE", barge, shunde.Code, nansha.Code, shunde.Local(t0), nansha.Local(t0 + Duration.FromHours(5)))]));
        await silo.Report(
            PortEvents.Equipment(id, "LOAD", container, shunde, t0 - Duration.FromHours(1), "BARGE", barge),
            PortEvents.Transport("DEPA", "BARGE", barge, shunde, t0 + Duration.FromMinutes(20)));

        await printed.WaitForAsync("ETA ", TimeSpan.FromSeconds(30));
        var lines = printed.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Line(string type, string what) => $"{type,-27}  {id}  {what}";
        Assert.Contains(lines, l => l.Contains(Line("shipment.event", $"LOAD at {shunde.Code}"), StringComparison.Ordinal)
            && l.EndsWith($"container {container} BARGE {barge}, reported by {ApiKeyName(TransitSilo.AdminKey)}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(Line("shipment.status_changed", "status BOOKED -> IN_TRANSIT"), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Line("shipment.event", $"DEPA at {shunde.Code}"), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Line("shipment.eta_changed", "ETA "), StringComparison.Ordinal));
        Assert.Equal(lines.Length, lines.Select(l => l.Split(' ')[0]).Distinct().Count());

        var listed = await Cli("subscriptions");
        Assert.Contains($"{subscription}  ACTIVE  {callback}", listed.Output);
        var log = await Cli("subscriptions", "--deliveries", subscription);
        Assert.True(log.Code == 0, log.Output);
        Assert.Contains("shipment.status_changed", log.Output);
        Assert.Contains(" 204 ", log.Output);
    }

    [Fact]
    public async Task A_delivery_is_refused_unless_signed_with_the_secret_within_the_tolerance_and_a_repeat_is_acknowledged_not_printed()
    {
        var printed = new WatchedOutput();
        var rotated = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var clock = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var (receiver, url) = await StartReceiver(printed, $"{Secret} {rotated}", clock);
        await using var _ = receiver;
        using var http = new HttpClient { BaseAddress = url };

        var body = """{"type":"shipment.status_changed","timestamp":"2027-01-15T08:00:00Z","subscriptionId":"sub_1","data":{"shipmentId":"GZ27-1","status":"IN_TRANSIT","previousStatus":"BOOKED"}}""";
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.NoContent, await Post(http, "msg_1", now, body, rotated));
        Assert.Equal(HttpStatusCode.NoContent, await Post(http, "msg_1", now + 60, body, Secret)); // the same notification again
        Assert.Equal(HttpStatusCode.NoContent, await Post(http, "msg_2", now, body, Secret, rotated));

        Assert.Equal(HttpStatusCode.Unauthorized, await Post(http, "msg_3", now, body, "whsec_" + Convert.ToBase64String(new byte[24])));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(http, "msg_4", now, body.Replace("GZ27-1", "GZ27-2", StringComparison.Ordinal), Secret, signedBody: body));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(http, "msg_5", now - 301, body, Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(http, "msg_6", now + 301, body, Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(http, "", now, body, Secret));

        var lines = printed.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["msg_1", "msg_2"], lines.Where(l => !l.StartsWith("refused", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]));
        Assert.Contains("msg_1  shipment.status_changed      GZ27-1  status BOOKED -> IN_TRANSIT", lines);
        Assert.Equal(5, lines.Count(l => l.StartsWith("refused", StringComparison.Ordinal)));
    }

    private static async Task<(WebApplication App, Uri Url)> StartReceiver(TextWriter output, string secrets, TimeProvider? time = null)
    {
        var app = ReceiverApp.Build(["--urls=http://127.0.0.1:0", $"--WEBHOOK_SECRET={secrets}"], output, time);
        await app.StartAsync();
        return (app, new Uri(app.Urls.Single()));
    }

    /// <summary>Posts a body signed (Standard Webhooks v1) with each secret, over <paramref name="signedBody"/> when it differs from what is sent.</summary>
    private static async Task<HttpStatusCode> Post(HttpClient http, string id, long timestamp, string body, string secret, string? rotated = null, string? signedBody = null)
    {
        var signatures = new[] { secret, rotated }.OfType<string>().Select(s =>
            "v1," + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(s["whsec_".Length..]),
                Encoding.UTF8.GetBytes($"{id}.{timestamp}.{signedBody ?? body}"))));
        using var request = new HttpRequestMessage(HttpMethod.Post, ReceiverApp.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", string.Join(' ', signatures));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private Task<(int Code, string Output)> Cli(params string[] args) => silo.Cli(new WatchedOutput(), args);

    private static string ApiKeyName(string key) => TransitGrains.Api.ApiKeyRegistry.Hash(key)[..8];

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
