using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class FanOutRepairTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_fan_out_lost_after_the_conveyance_wrote_is_delivered_when_the_event_comes_again()
    {
        var barge = Ids.Next("BARGE");
        var bookings = Enumerable.Range(0, 4)
            .Select(_ => Make.Booking(Ids.Next("REP"), Ids.Containers(1), Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA")))
            .ToList();
        foreach (var booking in bookings)
        {
            await Grains.BookCreated(booking);
        }

        // The intake's first half only: it claims the event id, the conveyance records the event and hands back the
        // fan-out, and then the intake "crashes" before any shipment has stored it.
        var departure = Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12));
        Assert.True((await Grains.GetGrain<IEventIdGrain>(departure.EventId).Claim(departure)).IsFirst);
        var intake = await Grains.GetGrain<IConveyanceGrain>($"BARGE/{barge}").RecordTransport([departure]);
        Assert.Equal([EventOutcome.ACCEPTED], intake.Outcomes);
        Assert.Equal(bookings.Select(b => b.ShipmentId).Order(), intake.FanOut.Select(f => f.ShipmentId).Order());
        foreach (var booking in bookings)
        {
            Assert.Equal(0, (await Grains.View(booking.ShipmentId)).TimelineCount(departure.EventId));
        }

        // The port system retries: the event is a duplicate, but the unconfirmed fan-out goes out now.
        Assert.Equal([EventOutcome.DUPLICATE], await Grains.Submit(departure));
        foreach (var booking in bookings)
        {
            Assert.Equal(1, (await Grains.View(booking.ShipmentId)).TimelineCount(departure.EventId));
        }

        // Acknowledged: once more changes nothing.
        var third = await Grains.GetGrain<IConveyanceGrain>($"BARGE/{barge}").RecordTransport([departure]);
        Assert.Equal([EventOutcome.DUPLICATE], third.Outcomes);
        Assert.Empty(third.FanOut);
    }
}
