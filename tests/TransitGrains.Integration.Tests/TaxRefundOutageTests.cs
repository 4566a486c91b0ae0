using System.Diagnostics;
using NodaTime;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>The tax queue goes down while port events keep arriving: nothing is refused, nothing is lost, nothing changes meaning.</summary>
public sealed class TaxRefundOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Events_are_accepted_while_the_queue_is_down_and_every_waiting_trigger_is_delivered_once_it_answers_again()
    {
        await using var azurite = await ScriptedAzurite.StartAsync();
        var queue = $"tax-outage-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = await TestServices.CreateDatabaseAsync(),
            ["ConnectionStrings:TaxQueue"] = azurite.ConnectionString,
            ["Transit:TaxRefund:QueueName"] = queue,
        };
        await using var silo = await SiloProcess.StartAsync(settings);
        using var client = silo.Client();
        var mailbox = new TaxQueueMailbox(azurite.ConnectionString, queue);
        var day = RefundJourney.ChinaToday(SystemClock.Instance.GetCurrentInstant()).PlusDays(-2);

        // Before the outage: a trigger delivered and read (this Azurite keeps its messages in memory only).
        var early = RefundJourney.Departing(day);
        await client.BookAsync(early.Booking());
        await client.ReportAsync(early.ReleaseLoadAndDepart());
        await mailbox.WaitForAsync(early.MessageId("REFUND_ELIGIBLE"), Limit);
        var departing = Enumerable.Range(0, 4).Select(_ => RefundJourney.Departing(day)).ToList();
        var cancelled = RefundJourney.Departing(day);
        foreach (var journey in departing.Append(cancelled))
        {
            await client.BookAsync(journey.Booking());
        }

        await azurite.StopAsync();
        var outage = Stopwatch.StartNew();
        await silo.WaitReadinessAsync(ready: false, TimeSpan.FromSeconds(30));

        foreach (var journey in departing)
        {
            await client.ReportAsync(journey.ReleaseLoadAndDepart());
        }

        await client.ReportAsync([.. early.ArriveAtExitPort(), .. early.LeaveOnTheVessel()]);
        await client.ReportAsync(cancelled.ReleaseLoadAndDepart());
        using (var cancel = await client.DeleteAsync($"/api/v1/shipments/{cancelled.ShipmentId}"))
        {
            Assert.True(cancel.IsSuccessStatusCode, $"cancel answered {(int)cancel.StatusCode}");
        }

        var waiting = departing.Select(j => j.MessageId("REFUND_ELIGIBLE"))
            .Append(early.MessageId("EXIT_CONFIRMED"))
            .Append(cancelled.MessageId("REFUND_ELIGIBLE"))
            .Append(cancelled.MessageId("REFUND_REVOKED"))
            .ToList();
        foreach (var journey in departing.Append(early).Append(cancelled))
        {
            var triggers = (await client.RefundOfAsync(journey.ShipmentId)).Triggers();
            var undelivered = triggers.Where(t => t["deliveredAt"] is null).Select(t => (string?)t["messageId"]);
            Assert.Equal(waiting.Where(id => id.StartsWith(journey.ShipmentId + ":", StringComparison.Ordinal)), undelivered);
        }

        Assert.NotEqual(System.Net.HttpStatusCode.OK, await silo.ReadinessAsync());

        // Same port, as when the queue service comes back; its memory (and our queue) is gone.
        await azurite.RestartAsync();
        output.WriteLine($"queue down for {outage.Elapsed.TotalSeconds:F1} s");
        var back = Stopwatch.StartNew();
        foreach (var messageId in waiting)
        {
            await mailbox.WaitForAsync(messageId, Limit);
        }

        output.WriteLine($"all {waiting.Count} waiting triggers read {back.Elapsed.TotalSeconds:F1} s after the queue came back");
        await silo.WaitReadinessAsync(ready: true, TimeSpan.FromSeconds(30));
        foreach (var journey in departing.Append(early).Append(cancelled))
        {
            await client.RefundOfAsync(journey.ShipmentId, r => r.AllDelivered(), Limit);
        }

        await mailbox.ReadAsync();
        Assert.Empty(mailbox.ConflictingDuplicates());
        Assert.Equal(waiting.Append(early.MessageId("REFUND_ELIGIBLE")).Order(), mailbox.Received.Select(t => t.MessageId).Distinct().Order());
    }
}
