using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// What must hold after a silo was killed in the middle of a traffic run: every acknowledged booking and event
/// is there exactly once after a restart on the same endpoint, and when the ports resend the whole stream every
/// acknowledged event is answered DUPLICATE and every shipment ends with exactly the events that concern it.
/// </summary>
public static class AfterCrash
{
    public static async Task VerifyAsync(
        ITestOutputHelper output, PortTraffic traffic, TrafficRun first, Dictionary<string, string> settings, int siloPort)
    {
        var acknowledged = first.Acknowledged;
        Assert.DoesNotContain(first.Answers, a => a.Status == "REJECTED");
        Assert.NotEmpty(acknowledged);

        // The same silo endpoint, as when the machine comes back.
        await using var restarted = await SiloProcess.StartAsync(settings, siloPort: siloPort);
        using var again = restarted.Client();

        // An acknowledged booking is there as it was; a booking cut off by the crash is the forwarder's to retry.
        var afterCrash = await again.TimelinesAsync(first.Booked);
        var lostBookings = afterCrash.Where(p => p.Value is null).Select(p => p.Key).ToList();
        Assert.True(lostBookings.Count == 0, $"acknowledged bookings lost: {string.Join(", ", lostBookings)}");
        foreach (var shipment in traffic.Shipments.Where(s => !first.Booked.Contains(s.ShipmentId)))
        {
            await again.BookAsync(shipment.Booking);
        }

        var timelines = await again.TimelinesAsync(traffic.Shipments.Select(s => s.ShipmentId));
        foreach (var (shipmentId, timeline) in timelines)
        {
            Assert.NotNull(timeline);
            Assert.True(timeline.Count == timeline.Distinct().Count(), $"{shipmentId} shows an event twice: {string.Join(", ", timeline)}");
        }

        var missing = acknowledged
            .SelectMany(id => traffic.Concerned(traffic.Events[id]).Where(s => !timelines[s.ShipmentId]!.Contains(id)).Select(s => $"{id} at {s.ShipmentId}"))
            .ToList();
        Assert.True(missing.Count == 0, $"acknowledged but lost: {string.Join("; ", missing)}");
        var found = acknowledged.Count(id => traffic.Concerned(traffic.Events[id]).All(s => timelines[s.ShipmentId]!.Contains(id)));
        var landedUnanswered = traffic.Events.Keys.Count(id => !acknowledged.Contains(id)
            && traffic.Concerned(traffic.Events[id]).Any(s => timelines[s.ShipmentId]!.Contains(id)));

        // The ports resend everything, the failed batches and the answered ones alike.
        var resend = await TrafficRun.ResendAsync(traffic, again, acknowledged);
        await traffic.ExpectEachEventStoredOnceAsync(again);

        output.WriteLine($"events in the stream: {traffic.Events.Count} distinct, {traffic.Steps.Sum(s => s.Events.Count)} with repeats, "
            + $"{traffic.Shipments.Count} shipments");
        output.WriteLine($"before the crash: sent {first.EventsSent}, acknowledged {acknowledged.Count} distinct, "
            + $"found after restart {found} of {acknowledged.Count} (and {landedUnanswered} more that landed but were never answered)");
        output.WriteLine($"resent {resend.EventsSent}: {resend.Answers.Count(a => a.Status == "DUPLICATE")} DUPLICATE, "
            + $"{resend.Answers.Count(a => a.Status == "ACCEPTED")} ACCEPTED; every event of the stream now stored exactly once");
    }
}
