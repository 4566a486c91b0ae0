using System.Net;
using System.Text.Json.Nodes;
using NodaTime;

namespace TransitGrains.Api.Tests;

/// <summary>
/// api.md 1.1 "Push: webhook subscriptions" through real HTTP both ways: subscriptions made, read, rotated and deleted;
/// notifications of each kind, signed (checked by the tests' own implementation of the scheme), in order, retried on the
/// schedule with Retry-After honoured, logged, stopped by 410; forwarders kept apart; filters; where callbacks may go.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookTests(WebhookFixture webhooks)
{
    private WebhookReceiver Receiver => webhooks.Receiver;

    [Fact]
    public async Task A_subscription_is_answered_with_its_secret_once_and_then_read_listed_and_deleted_by_its_forwarder_only()
    {
        var created = await webhooks.As(Keys.Forwarder).Post("/api/v1/subscriptions", new JsonObject
        {
            ["callbackUrl"] = Receiver.Url("crud"),
            ["eventCodes"] = new JsonArray("DEPA", "ARRI"),
        });
        var subscription = created.Expect(HttpStatusCode.Created).Body;
        var id = (string)subscription["subscriptionId"]!;
        Assert.Equal($"/api/v1/subscriptions/{id}", created.Location?.OriginalString);
        Assert.Equal("ACTIVE", (string?)subscription["status"]);
        Assert.Equal(["shipment.event", "shipment.status_changed", "shipment.eta_changed", "shipment.tax_refund_changed"],
            Json.Strings(subscription["types"]));
        Assert.Equal(["DEPA", "ARRI"], Json.Strings(subscription["eventCodes"]));
        Assert.Empty(Json.Strings(subscription["shipmentIds"]));
        Assert.Empty(Json.Strings(subscription["containers"]));
        Times.AssertHasOffset((string?)subscription["createdAt"]);
        Assert.Matches("^whsec_[A-Za-z0-9+/]+=*$", (string?)subscription["secret"]);

        var read = (await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}")).Expect(HttpStatusCode.OK).Body;
        Assert.Null(read["secret"]);
        Assert.Equal(Receiver.Url("crud"), (string?)read["callbackUrl"]);
        var own = (await webhooks.As(Keys.Forwarder).Get("/api/v1/subscriptions")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Contains(own, s => (string?)s!["subscriptionId"] == id && s["secret"] is null);
        Assert.All(own, s => Assert.Equal(Keys.ForwarderCode, (string?)s!["forwarder"]));
        var all = (await webhooks.As(Keys.Admin).Get("/api/v1/subscriptions")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Contains(all, s => (string?)s!["subscriptionId"] == id);

        // Another forwarder sees none of it: not in its list, and each of its requests is answered as for a missing one.
        var theirs = (await webhooks.As(Keys.OtherForwarder).Get("/api/v1/subscriptions")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.DoesNotContain(theirs, s => (string?)s!["subscriptionId"] == id);
        var other = webhooks.As(Keys.OtherForwarder);
        (await other.Get($"/api/v1/subscriptions/{id}")).Problem(HttpStatusCode.NotFound);
        (await other.Get($"/api/v1/subscriptions/{id}/deliveries")).Problem(HttpStatusCode.NotFound);
        (await other.Post($"/api/v1/subscriptions/{id}/secret", new JsonObject())).Problem(HttpStatusCode.NotFound);
        (await other.Delete($"/api/v1/subscriptions/{id}")).Problem(HttpStatusCode.NotFound);
        (await webhooks.As(Keys.Port).Get("/api/v1/subscriptions")).Problem(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NoContent, (await webhooks.As(Keys.Forwarder).Delete($"/api/v1/subscriptions/{id}")).Status);
        (await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}")).Problem(HttpStatusCode.NotFound);
        (await webhooks.As(Keys.Forwarder).Delete($"/api/v1/subscriptions/{id}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_subscriptions_are_400_naming_each_field_and_change_nothing()
    {
        var before = (await webhooks.As(Keys.Forwarder).Get("/api/v1/subscriptions")).Body["items"]!.AsArray().Count;
        var errors = (await webhooks.As(Keys.Forwarder).Post("/api/v1/subscriptions", new JsonObject
        {
            ["callbackUrl"] = "ftp://receiver.example/hook",
            ["types"] = new JsonArray("shipment.created"),
            ["shipmentIds"] = new JsonArray("lower-case"),
            ["containers"] = new JsonArray(Ids.WithWrongCheckDigit(Ids.Container())),
            ["eventCodes"] = new JsonArray("DEPART"),
            ["secret"] = "whsec_tooshort",
        })).ValidationErrors();
        Assert.Equal(["callbackUrl", "containers[0]", "eventCodes[0]", "secret", "shipmentIds[0]", "types[0]"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));

        (await webhooks.As(Keys.Forwarder).Post("/api/v1/subscriptions", new JsonObject())).ValidationErrors();
        (await webhooks.As(Keys.Forwarder).PostRaw("/api/v1/subscriptions", "[1]")).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(before, (await webhooks.As(Keys.Forwarder).Get("/api/v1/subscriptions")).Body["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_one_port_walkthrough_arrives_signed_in_order_with_every_kind_of_notification()
    {
        var (subscription, secret, path) = await webhooks.Subscribe();
        var (shipmentId, container, barge) = await webhooks.BookOnePort("WH");
        var release = Json.Customs("CUSR", container, Json.Shunde, Times.HoursAgo(5));
        var load = Json.Equipment("LOAD", container, Json.Shunde, Times.HoursAgo(4), "BARGE", barge);
        var departure = Json.Transport("DEPA", "BARGE", barge, Json.Shunde, Times.HoursAgo(3));
        await webhooks.Report(release, load, departure);

        var received = await Receiver.WaitFor(path, r => r.Any(n => n.Type == "shipment.tax_refund_changed"));
        // The release (IN_TRANSIT), the loading, the departure (years after the 2020 plan: the ETA moves; the refund is due).
        Assert.Equal(
            ["shipment.event", "shipment.status_changed", "shipment.event", "shipment.event", "shipment.eta_changed", "shipment.tax_refund_changed"],
            received.Select(r => r.Type));

        foreach (var webhook in received)
        {
            // The tests' own check of the scheme, not the service's signer.
            Assert.Equal([secret], StandardWebhooksCheck.SignedBy(webhook, secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
            Assert.Matches("^msg_[0-9a-f]{32}$", webhook.WebhookId);
            Assert.InRange(long.Parse(webhook.Timestamp, System.Globalization.CultureInfo.InvariantCulture),
                webhook.ReceivedAt.ToUnixTimeSeconds() - 30, webhook.ReceivedAt.ToUnixTimeSeconds() + 1);
            Assert.Equal(subscription, (string?)webhook.Json["subscriptionId"]);
            Assert.EndsWith("Z", (string?)webhook.Json["timestamp"], StringComparison.Ordinal);
            Assert.Equal(shipmentId, (string?)webhook.Data["shipmentId"]);
        }

        Assert.Equal(received.Count, received.Select(r => r.WebhookId).Distinct().Count());
        var events = received.Where(r => r.Type == "shipment.event").Select(r => r.Data).ToList();
        Assert.Equal(new[] { release, load, departure }.Select(e => (string?)e["eventId"]), events.Select(e => (string?)e["eventId"]));
        var shown = (await webhooks.As(Keys.Forwarder).Get($"/api/v1/shipments/{shipmentId}")).Body["timeline"]!.AsArray();
        foreach (var entry in events)
        {
            // The timeline entry, exactly as the shipment shows it, reportedBy included.
            var timeline = shown.Single(t => (string?)t!["eventId"] == (string?)entry["eventId"])!.AsObject();
            Assert.All(timeline, p => Assert.True(JsonNode.DeepEquals(p.Value, entry[p.Key]), $"{p.Key}: {p.Value} / {entry[p.Key]}"));
            Assert.Equal(ApiKeyRegistry.Hash(Keys.Port)[..8], (string?)entry["reportedBy"]);
        }

        var status = received.Single(r => r.Type == "shipment.status_changed").Data;
        Assert.Equal(("IN_TRANSIT", "BOOKED"), ((string?)status["status"], (string?)status["previousStatus"]));
        var eta = received.Last(r => r.Type == "shipment.eta_changed").Data;
        Times.AssertHasOffset((string?)eta["eta"]);
        Times.AssertHasOffset((string?)eta["previousEta"]);
        var refund = received.Single(r => r.Type == "shipment.tax_refund_changed").Data["taxRefund"]!;
        Assert.Equal("TRIGGERED", (string?)refund["status"]);
        Assert.Equal($"{shipmentId}:REFUND_ELIGIBLE", (string?)refund["triggers"]![0]!["messageId"]);

        var log = (await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{subscription}/deliveries")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Equal(received.Select(r => r.WebhookId).Reverse(), log.Select(l => (string?)l!["webhookId"]));
        Assert.All(log, l => Assert.Equal((1, 204), ((int)l!["attempt"]!, (int)l["statusCode"]!)));
        Assert.All(log, l => Assert.Null(l!["nextAttemptAt"]));
    }

    [Fact]
    public async Task A_forwarder_hears_of_its_own_shipments_only_and_an_admin_of_every_shipment()
    {
        var (_, _, mine) = await webhooks.Subscribe(Keys.Forwarder, new JsonObject { ["types"] = new JsonArray("shipment.event") });
        var (_, _, theirs) = await webhooks.Subscribe(Keys.OtherForwarder, new JsonObject { ["types"] = new JsonArray("shipment.event") });
        var demo = await webhooks.BookOnePort("ISO");
        var other = await webhooks.BookOnePort("ISO", Keys.OtherForwarder);
        var (_, _, admin) = await webhooks.Subscribe(Keys.Admin, new JsonObject
        {
            ["types"] = new JsonArray("shipment.event"),
            ["shipmentIds"] = new JsonArray(demo.Id, other.Id),
        });

        await webhooks.Report(
            Json.Equipment("GTIN", demo.Container, Json.Shunde, Times.HoursAgo(2)),
            Json.Equipment("GTIN", other.Container, Json.Shunde, Times.HoursAgo(2)));

        var toAdmin = await Receiver.WaitFor(admin, r => r.Count == 2);
        Assert.Equal([demo.Id, other.Id], toAdmin.Select(r => (string?)r.Data["shipmentId"]).Order());
        Assert.Equal([demo.Id], (await Receiver.WaitFor(mine, r => r.Any(n => (string?)n.Data["shipmentId"] == demo.Id)))
            .Select(r => (string?)r.Data["shipmentId"]).Where(id => id == demo.Id || id == other.Id));
        Assert.Equal([other.Id], (await Receiver.WaitFor(theirs, r => r.Any(n => (string?)n.Data["shipmentId"] == other.Id)))
            .Select(r => (string?)r.Data["shipmentId"]).Where(id => id == demo.Id || id == other.Id));
    }

    [Fact]
    public async Task Values_of_one_filter_are_ORed_and_the_filters_ANDed()
    {
        var (shipmentId, container, barge) = await webhooks.BookOnePort("FLT");
        var (_, _, departures) = await webhooks.Subscribe(filters: new JsonObject
        {
            ["shipmentIds"] = new JsonArray(shipmentId, "NOT-BOOKED"),
            ["eventCodes"] = new JsonArray("DEPA", "ARRI"),
            ["types"] = new JsonArray("shipment.event"),
        });
        var (_, _, byContainer) = await webhooks.Subscribe(filters: new JsonObject
        {
            ["containers"] = new JsonArray(container),
            ["types"] = new JsonArray("shipment.event", "shipment.status_changed"),
        });
        var (_, _, elsewhere) = await webhooks.Subscribe(filters: new JsonObject
        {
            ["shipmentIds"] = new JsonArray(shipmentId),
            ["containers"] = new JsonArray(Ids.Container()),
        });

        await webhooks.Report(
            Json.Equipment("LOAD", container, Json.Shunde, Times.HoursAgo(4), "BARGE", barge),
            Json.Transport("DEPA", "BARGE", barge, Json.Shunde, Times.HoursAgo(3)),
            Json.Transport("ARRI", "BARGE", barge, Json.Nansha, Times.HoursAgo(1)));

        var moves = await Receiver.WaitFor(departures, r => r.Count == 2);
        Assert.Equal(["DEPA", "ARRI"], moves.Select(r => (string?)r.Data["eventCode"]));
        // Its container's own event, the status change, and the barge's moves (which concern every container aboard).
        var containers = await Receiver.WaitFor(byContainer, r => r.Count == 4);
        Assert.Equal(["shipment.event", "shipment.status_changed", "shipment.event", "shipment.event"], containers.Select(r => r.Type));

        // Whatever reached the others by now would have reached this one too: it wants none of it.
        Assert.Empty(Receiver.At(elsewhere));
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_for_the_day_and_the_new_one_is_shown_once()
    {
        var (id, old, path) = await webhooks.Subscribe(filters: new JsonObject { ["types"] = new JsonArray("shipment.event") });
        var given = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        var rotated = (await webhooks.As(Keys.Forwarder).Post($"/api/v1/subscriptions/{id}/secret", new JsonObject { ["secret"] = given }))
            .Expect(HttpStatusCode.Created).Body;
        Assert.Equal((id, given), ((string)rotated["subscriptionId"]!, (string)rotated["secret"]!));
        (await webhooks.As(Keys.Forwarder).Post($"/api/v1/subscriptions/{id}/secret", new JsonObject { ["secret"] = "whsec_AAAA" }))
            .ValidationErrors().ContainsKey("secret");

        var (shipmentId, container, _) = await webhooks.BookOnePort("ROT");
        await webhooks.Report(Json.Equipment("GTIN", container, Json.Shunde, Times.HoursAgo(2)));
        var webhook = (await Receiver.WaitFor(path, r => r.Count == 1))[0];
        Assert.Equal(2, webhook.Signature.Split(' ').Length);
        Assert.Equal([old, given], StandardWebhooksCheck.SignedBy(webhook, old, given));
        Assert.Equal(shipmentId, (string?)webhook.Data["shipmentId"]);

        // A second rotation, with a generated secret: the three sign (each replaced one for its own day).
        var third = (string)(await webhooks.As(Keys.Forwarder).PostRaw($"/api/v1/subscriptions/{id}/secret", "")).Expect(HttpStatusCode.Created).Body["secret"]!;
        await webhooks.Report(Json.Equipment("GTOT", container, Json.Shunde, Times.HoursAgo(1)));
        var next = (await Receiver.WaitFor(path, r => r.Count == 2))[1];
        Assert.Equal([old, given, third], StandardWebhooksCheck.SignedBy(next, old, given, third));
        Assert.Null((await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}")).Body["secret"]);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_on_the_schedule_with_the_same_webhook_id_and_Retry_After_is_honoured()
    {
        var (id, _, path) = await webhooks.Subscribe(filters: new JsonObject { ["types"] = new JsonArray("shipment.event") });
        Receiver.Answer(path, new(500), new(503, RetryAfter: "3"));
        var (_, container, _) = await webhooks.BookOnePort("RTY");
        await webhooks.Report(Json.Equipment("GTIN", container, Json.Shunde, Times.HoursAgo(2)));

        var attempts = await Receiver.WaitFor(path, r => r.Count == 3);
        Assert.Single(attempts.Select(a => a.WebhookId).Distinct());
        Assert.Single(attempts.Select(a => Convert.ToBase64String(a.Body)).Distinct());

        var log = await Wait.Until(
            async () => (await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}/deliveries")).Body["items"]!.AsArray(),
            l => l.Count == 3 && l[0]!["deliveredAt"] is not null, "three attempts logged");
        Assert.Equal([3, 2, 1], log.Select(l => (int)l!["attempt"]!));
        Assert.Equal([204, 503, 500], log.Select(l => (int)l!["statusCode"]!));
        Assert.Equal("answered 500 Internal Server Error", (string?)log[2]!["error"]);
        Assert.Null(log[0]!["nextAttemptAt"]);
        // The schedule says a second (±10%); the receiver asked for three.
        Assert.InRange(Gap(log[2]!, "nextAttemptAt").TotalSeconds, 0.89, 1.11);
        Assert.InRange(Gap(log[1]!, "nextAttemptAt").TotalSeconds, 3, 3.01);
        Assert.True(Times.Parse((string)log[0]!["attemptedAt"]!) >= Times.Parse((string)log[1]!["nextAttemptAt"]!));

        var latest = (await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}/deliveries?limit=1")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Equal(3, (int)Assert.Single(latest)!["attempt"]!);
        foreach (var bad in new[] { "0", "201", "x", "-1" })
        {
            Assert.True((await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}/deliveries?limit={bad}")).ValidationErrors().ContainsKey("limit"));
        }
    }

    [Fact]
    public async Task After_the_last_retry_a_notification_is_given_up_and_the_next_one_goes()
    {
        var before = await Deliveries();
        var (id, _, path) = await webhooks.Subscribe(filters: new JsonObject { ["types"] = new JsonArray("shipment.event") });
        Receiver.Answer(path, new(500), new(500), new(500), new(500));
        var (_, container, _) = await webhooks.BookOnePort("GIV");
        var gateIn = Json.Equipment("GTIN", container, Json.Shunde, Times.HoursAgo(2));
        var gateOut = Json.Equipment("GTOT", container, Json.Shunde, Times.HoursAgo(1));
        await webhooks.Report(gateIn, gateOut);

        // Four attempts at the gate-in (the first and three retries), given up; then the gate-out, held back until now.
        var received = await Receiver.WaitFor(path, r => r.Count == 5);
        Assert.Equal([.. Enumerable.Repeat((string?)gateIn["eventId"], 4), (string?)gateOut["eventId"]], received.Select(r => (string?)r.Data["eventId"]));
        var log = await Wait.Until(
            async () => (await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}/deliveries")).Body["items"]!.AsArray(),
            l => l.Count == 5, "five attempts logged");
        Assert.Null(log[1]!["nextAttemptAt"]);
        Assert.Null(log[1]!["deliveredAt"]);
        Assert.Equal(4, (int)log[1]!["attempt"]!);

        // Every attempt is counted by its outcome (other tests deliver alongside: at least these).
        var after = await Wait.Until(
            Deliveries,
            m => m["gave_up"] - before["gave_up"] >= 1 && m["outbox_failed"] - before["outbox_failed"] >= 4 && m["outbox_delivered"] > before["outbox_delivered"],
            "the given-up attempt counted, and the outbox's attempts recorded");
        Assert.True(after["failed"] - before["failed"] >= 3, "failed");
        Assert.True(after["delivered"] - before["delivered"] >= 1, "delivered");
        // The outbox counts by channel: the given-up attempt among the failed ones, the gate-out delivered.
        Assert.True(after["outbox_failed"] - before["outbox_failed"] >= 4, "outbox failed");
        Assert.True(after["outbox_delivered"] - before["outbox_delivered"] >= 1, "outbox delivered");
    }

    private static readonly string[] Outcomes = ["delivered", "failed", "gave_up"];

    /// <summary><c>transit_webhook_deliveries_total</c> by outcome, from /metrics.</summary>
    private async Task<Dictionary<string, double>> Deliveries()
    {
        var values = PrometheusText.Values((await webhooks.As(null).Get("/metrics")).Expect(HttpStatusCode.OK).Text);
        var deliveries = Outcomes.ToDictionary(o => o,
            o => values.GetValueOrDefault($"transit_webhook_deliveries_total{{otel_scope_name=\"TransitGrains\",outcome=\"{o}\"}}"));
        foreach (var counted in new[] { "delivered", "failed" })
        {
            deliveries[$"outbox_{counted}"] = values.GetValueOrDefault($"transit_outbox_{counted}_total{{otel_scope_name=\"TransitGrains\",channel=\"webhook\"}}");
        }

        return deliveries;
    }

    [Fact]
    public async Task A_410_disables_the_subscription_and_no_further_notification_is_sent()
    {
        var (id, _, path) = await webhooks.Subscribe(filters: new JsonObject { ["types"] = new JsonArray("shipment.event") });
        Receiver.Answer(path, new ReceiverAnswer(410));
        var (_, container, _) = await webhooks.BookOnePort("GON");
        await webhooks.Report(Json.Equipment("GTIN", container, Json.Shunde, Times.HoursAgo(2)));

        var subscription = await Wait.Until(
            async () => (await webhooks.As(Keys.Forwarder).Get($"/api/v1/subscriptions/{id}")).Body,
            s => (string?)s["status"] == "DISABLED", "the subscription disabled");
        Assert.Equal("DISABLED", (string?)subscription["status"]);

        var (_, _, witness) = await webhooks.Subscribe(filters: new JsonObject { ["types"] = new JsonArray("shipment.event") });
        await webhooks.Report(Json.Equipment("GTOT", container, Json.Shunde, Times.HoursAgo(1)));
        await Receiver.WaitFor(witness, r => r.Count == 1);
        Assert.Single(Receiver.At(path));
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://127.8.9.10/hook", "loopback")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://10.1.2.3/hook", "private")]
    [InlineData("https://172.16.0.1/hook", "private")]
    [InlineData("https://172.31.255.1/hook", "private")]
    [InlineData("https://192.168.0.10/hook", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://[fc00::1]/hook", "private")]
    [InlineData("https://[fd00:ec2::254]/hook", "private")]
    [InlineData("https://224.0.0.1/hook", "multicast")]
    [InlineData("https://[ff02::1]/hook", "multicast")]
    [InlineData("https://[::ffff:192.168.1.1]/hook", "private")]
    [InlineData("https://localhost/hook", "localhost resolves to")]
    [InlineData("http://93.184.216.34/hook", "must be https")]
    public async Task Outside_Development_a_callback_that_reaches_a_private_network_is_400(string url, string why)
    {
        var errors = (await webhooks.Production.Post("/api/v1/subscriptions", new JsonObject { ["callbackUrl"] = url })).ValidationErrors();
        Assert.Contains(why, Assert.Single(Json.Strings(errors["callbackUrl"])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_Development_a_public_https_callback_is_accepted() =>
        (await webhooks.Production.Post("/api/v1/subscriptions", new JsonObject { ["callbackUrl"] = "https://93.184.216.34/hook" }))
            .Expect(HttpStatusCode.Created);

    private static Duration Gap(JsonNode attempt, string later) =>
        Times.Parse((string)attempt[later]!) - Times.Parse((string)attempt["attemptedAt"]!);
}
