using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NodaTime;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// Webhook notifications are stored with the change that made them: a receiver that is down while a silo on PostgreSQL is
/// killed with SIGKILL gets every one of them, in order, once it and the silo are back.
/// </summary>
public sealed class WebhookCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Every_notification_made_while_the_receiver_was_down_arrives_after_a_SIGKILL_and_a_restart_in_order()
    {
        // Nothing listens on the receiver's port yet: it is down. Retries every second, for longer than the test takes.
        var port = FreePorts.Next();
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = await TestServices.CreateDatabaseAsync() };
        for (var i = 0; i < 100; i++)
        {
            settings[$"Transit:Webhooks:RetryDelays:{i}"] = "00:00:01";
        }

        var day = RefundJourney.ChinaToday(SystemClock.Instance.GetCurrentInstant()).PlusDays(-2);
        var journeys = Enumerable.Range(0, 3).Select(_ => RefundJourney.Departing(day)).ToList();
        string secret, subscription;
        int siloPort;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var forwarder = silo.Client("dev-forwarder-key");
            using var created = await forwarder.PostAsJsonAsync("/api/v1/subscriptions", new { callbackUrl = $"http://127.0.0.1:{port}/hook" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
            (secret, subscription) = ((string)body["secret"]!, (string)body["subscriptionId"]!);

            using var client = silo.Client();
            foreach (var journey in journeys)
            {
                await client.BookAsync(journey.Booking());
                await client.ReportAsync(journey.Release());
                await client.ReportAsync(journey.LoadOnBarge());
                await client.ReportAsync(journey.BargeDeparture());
            }

            // The first notification of each shipment has been tried and failed: the receiver is down.
            await Poll.UntilAsync(async () => (await Deliveries(forwarder, subscription)).Count(d => d["statusCode"] is null) >= journeys.Count,
                Limit, "a failed attempt for each shipment");
            siloPort = silo.SiloPort;
            await silo.KillAsync();
        }

        await using var restarted = await SiloProcess.StartAsync(settings, siloPort: siloPort);
        await using var receiver = await WebhookReceiver.StartAsync(port);

        // Each shipment: its release (and with it IN_TRANSIT), its loading, the departure, which makes the refund due.
        string[] expected = ["shipment.event", "shipment.status_changed", "shipment.event", "shipment.event", "shipment.tax_refund_changed"];
        var received = await receiver.WaitFor("hook", r => journeys.All(j => Distinct(r, j.ShipmentId).Count == expected.Length), Limit);
        output.WriteLine($"{received.Count} deliveries for {journeys.Count * expected.Length} notifications");

        foreach (var journey in journeys)
        {
            var notifications = Distinct(received, journey.ShipmentId);
            Assert.Equal(expected, notifications.Select(n => n.Type));
            Assert.Equal(
                [.. journey.Release().Select(e => e.EventId), .. journey.LoadOnBarge().Select(e => e.EventId), journey.BargeDeparture().EventId],
                notifications.Where(n => n.Type == "shipment.event").Select(n => (string?)n.Data["eventId"]));
            Assert.All(notifications, n => Assert.Equal([secret], StandardWebhooksCheck.SignedBy(n, secret)));
            Assert.All(notifications, n => Assert.Equal(subscription, (string?)n.Json["subscriptionId"]));
        }

        using var after = restarted.Client("dev-forwarder-key");
        await Poll.UntilAsync(async () => (await Deliveries(after, subscription)).Count(d => d["deliveredAt"] is not null) >= journeys.Count * expected.Length,
            Limit, "every notification logged as delivered");
    }

    /// <summary>A shipment's notifications, each once (at least once means a repeat is possible), in the order they first arrived.</summary>
    private static List<ReceivedWebhook> Distinct(IReadOnlyList<ReceivedWebhook> received, string shipmentId) =>
        received.Where(r => (string?)r.Data["shipmentId"] == shipmentId).DistinctBy(r => r.WebhookId).ToList();

    private static async Task<IReadOnlyList<JsonObject>> Deliveries(HttpClient forwarder, string subscription) =>
        (await forwarder.GetFromJsonAsync<JsonObject>($"/api/v1/subscriptions/{subscription}/deliveries?limit=200"))!["items"]!.AsArray()
            .Select(d => d!.AsObject()).ToList();
}
