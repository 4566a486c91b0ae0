using System.Diagnostics;
using NodaTime;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The exit deadline passes with no event at all: the durable <c>refund-deadline</c> reminder revokes the refund, in
/// a running silo and in one that was killed (with a trigger still undelivered) and came back after the deadline;
/// and with a grace for late exit reports, an exit reported after a restart inside the grace confirms.
/// The silo runs on a <see cref="SiloClock"/> held just before the deadline while the shipment is booked and departs,
/// then moved past it by the test; Orleans' reminders run on real time.
/// </summary>
public sealed class TaxRefundDeadlineTests(ITestOutputHelper output)
{
    private const int ExitDeadlineDays = 1;

    /// <summary>
    /// Where the silo's clock stands while a shipment is booked and its barge departs, however long that takes. The
    /// deadline reminder is then due this much later in real time; when the test has not yet moved the clock past the
    /// deadline by then, the reminder's next tick, a minute later, revokes.
    /// </summary>
    private static readonly Duration HeldBeforeDeadline = Duration.FromSeconds(10);

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The reminder's first tick, or its next one a minute later, with room for a busy machine.</summary>
    private static readonly TimeSpan ReminderLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Past_the_deadline_without_any_event_the_reminder_sends_DEADLINE_PASSED_also_after_a_crash_with_a_trigger_undelivered()
    {
        using var clock = new SiloClock();
        await using var azurite = await ScriptedAzurite.StartAsync();
        var queue = $"tax-deadline-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = await TestServices.CreateDatabaseAsync(),
            ["ConnectionStrings:TaxQueue"] = azurite.ConnectionString,
            ["Transit:TaxRefund:QueueName"] = queue,
            // Shunde -> Nansha falls under the first shipped notice (the second is the rail notice); shorten both all the same.
            ["Transit:TaxRefund:Policies:0:exitDeadlineDays"] = $"{ExitDeadlineDays}",
            ["Transit:TaxRefund:Policies:1:exitDeadlineDays"] = $"{ExitDeadlineDays}",
            // No grace for a late exit report: the deadline itself revokes.
            ["Transit:TaxRefund:ExitReportGrace"] = "00:00:00",
        };
        var mailbox = new TaxQueueMailbox(azurite.ConnectionString, queue);
        var twoDaysAgo = RefundJourney.ChinaToday(SystemClock.Instance.GetCurrentInstant()).PlusDays(-2);

        int siloPort;
        RefundJourney killed;
        await using (var silo = await SiloProcess.StartAsync(settings, environment: clock.Environment))
        {
            using var client = silo.Client();

            // A barge that left two days ago has until the end of yesterday: the silo's clock stands just before that.
            var running = RefundJourney.Departing(twoDaysAgo);
            clock.Hold(DeadlineOf(running) - HeldBeforeDeadline);
            await client.BookAsync(running.Booking());
            await client.ReportAsync(running.ReleaseLoadAndDepart());
            var open = await client.RefundOfAsync(running.ShipmentId);
            Assert.True((string?)open["status"] == "TRIGGERED", open.ToJsonString());

            // The deadline passes on the silo's clock, and nothing more is sent: the reminder alone revokes.
            clock.SetNow(DeadlineOf(running) + Duration.FromSeconds(1));
            await mailbox.WaitForAsync(running.MessageId("REFUND_ELIGIBLE"), Limit);
            var revoked = await mailbox.WaitForAsync(running.MessageId("REFUND_REVOKED"), ReminderLimit);
            Assert.Equal(("DEADLINE_PASSED", running.Deadline(ExitDeadlineDays)), (revoked["reason"], revoked["deadline"]));
            Assert.True(IssuedAt(revoked) > DeadlineOf(running));

            // The next day's barge, with the silo's clock held just before its deadline; its trigger cannot leave.
            killed = RefundJourney.Departing(twoDaysAgo.PlusDays(1));
            clock.Hold(DeadlineOf(killed) - HeldBeforeDeadline);
            await client.BookAsync(killed.Booking());
            await client.ReportAsync([.. killed.Release(), .. killed.LoadOnBarge()]);
            await azurite.StopAsync();
            await client.ReportAsync(killed.BargeDeparture());
            var waiting = await client.RefundOfAsync(killed.ShipmentId);
            Assert.Equal("TRIGGERED", (string?)waiting["status"]);
            Assert.Null(Assert.Single(waiting.Triggers())["deliveredAt"]);

            siloPort = silo.SiloPort;
            await silo.KillAsync();
        }

        // The deadline passes while no silo runs; the queue comes back first.
        await azurite.RestartAsync();
        clock.SetNow(DeadlineOf(killed) + Duration.FromSeconds(2));

        var restartedAt = Stopwatch.GetTimestamp();
        await using (var again = await SiloProcess.StartAsync(settings, siloPort: siloPort, environment: clock.Environment))
        {
            // Only the queue is watched: no request wakes the shipment, its reminders must.
            var eligible = await mailbox.WaitForAsync(killed.MessageId("REFUND_ELIGIBLE"), ReminderLimit);
            var revoked = await mailbox.WaitForAsync(killed.MessageId("REFUND_REVOKED"), ReminderLimit);
            output.WriteLine($"after the restart: REFUND_ELIGIBLE read at {Stopwatch.GetElapsedTime(restartedAt, eligible.SeenAt).TotalSeconds:F1} s, "
                + $"REFUND_REVOKED at {Stopwatch.GetElapsedTime(restartedAt, revoked.SeenAt).TotalSeconds:F1} s");
            Assert.Equal(killed.Deadline(ExitDeadlineDays), eligible["deadline"]);
            Assert.Equal("DEADLINE_PASSED", revoked["reason"]);

            using var client = again.Client();
            var refund = await client.RefundOfAsync(killed.ShipmentId, r => r.AllDelivered() && r.Triggers().Count == 2, Limit);
            Assert.Equal("REVOKED", (string?)refund["status"]);
        }

        await mailbox.ReadAsync();
        Assert.Empty(mailbox.ConflictingDuplicates());
    }

    [Fact]
    public async Task Within_the_grace_an_exit_reported_after_a_restart_confirms_and_without_one_the_reminder_revokes_once_it_is_over()
    {
        using var clock = new SiloClock();
        await using var azurite = await ScriptedAzurite.StartAsync();
        var queue = $"tax-grace-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = await TestServices.CreateDatabaseAsync(),
            ["ConnectionStrings:TaxQueue"] = azurite.ConnectionString,
            ["Transit:TaxRefund:QueueName"] = queue,
            ["Transit:TaxRefund:Policies:0:exitDeadlineDays"] = $"{ExitDeadlineDays}",
            // Long enough for a restart, short enough for the reminder to revoke within the test.
            ["Transit:TaxRefund:ExitReportGrace"] = "00:01:00",
        };
        var grace = Duration.FromMinutes(1);
        var mailbox = new TaxQueueMailbox(azurite.ConnectionString, queue);
        var twoDaysAgo = RefundJourney.ChinaToday(SystemClock.Instance.GetCurrentInstant()).PlusDays(-2);
        var exported = RefundJourney.Departing(twoDaysAgo); // its vessel left yesterday, reported only after the restart
        var stranded = RefundJourney.Departing(twoDaysAgo); // never leaves
        var deadline = DeadlineOf(exported);

        int siloPort;
        await using (var silo = await SiloProcess.StartAsync(settings, environment: clock.Environment))
        {
            using var client = silo.Client();
            clock.Hold(deadline - HeldBeforeDeadline);
            foreach (var journey in new[] { exported, stranded })
            {
                await client.BookAsync(journey.Booking());
                await client.ReportAsync(journey.ReleaseLoadAndDepart());
                await mailbox.WaitForAsync(journey.MessageId("REFUND_ELIGIBLE"), Limit);
            }

            siloPort = silo.SiloPort;
            await silo.KillAsync();
        }

        // The silo comes back after the deadline, inside the grace; its clock is set again once it runs, however long
        // the start took, so that the exit is reported inside the grace.
        var insideGrace = deadline + Duration.FromSeconds(10);
        clock.SetNow(insideGrace);
        await using (var again = await SiloProcess.StartAsync(settings, siloPort: siloPort, environment: clock.Environment))
        {
            clock.SetNow(insideGrace);
            using var client = again.Client();
            var open = await client.RefundOfAsync(exported.ShipmentId);
            Assert.True((string?)open["status"] == "TRIGGERED", $"past the deadline, inside the grace: {open.ToJsonString()}");

            await client.ReportAsync([.. exported.ArriveAtExitPort(), .. exported.LeaveOnTheVessel()]);
            var exit = await mailbox.WaitForAsync(exported.MessageId("EXIT_CONFIRMED"), Limit);
            Assert.Equal((exported.VesselDepartedAt, exported.Deadline(ExitDeadlineDays)), (exit["exitedAt"], exit["deadline"]));

            // Nothing is sent for the other: its reminder, registered before the kill, revokes once the grace is over.
            var revoked = await mailbox.WaitForAsync(stranded.MessageId("REFUND_REVOKED"), TimeSpan.FromMinutes(4));
            Assert.Equal(("DEADLINE_PASSED", stranded.Deadline(ExitDeadlineDays)), (revoked["reason"], revoked["deadline"]));
            Assert.True(IssuedAt(revoked) > deadline + grace, $"revoked inside the grace: {revoked.Text}");

            var confirmed = await client.RefundOfAsync(exported.ShipmentId, r => r.AllDelivered() && r.Triggers().Count == 2, Limit);
            Assert.Equal("EXIT_CONFIRMED", (string?)confirmed["status"]);
        }

        await mailbox.ReadAsync();
        Assert.DoesNotContain(mailbox.For(exported.ShipmentId), t => t["kind"] == "REFUND_REVOKED");
        Assert.Empty(mailbox.ConflictingDuplicates());
    }

    private static Instant IssuedAt(ReceivedTrigger trigger) =>
        Instant.FromDateTimeOffset(DateTimeOffset.Parse(trigger["issuedAt"]!, System.Globalization.CultureInfo.InvariantCulture));

    private static Instant DeadlineOf(RefundJourney journey) =>
        Instant.FromDateTimeOffset(DateTimeOffset.Parse(journey.Deadline(ExitDeadlineDays), System.Globalization.CultureInfo.InvariantCulture));
}
