using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class FanOutRepairTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_delivery_lost_after_the_journal_committed_is_made_when_the_event_comes_again()
    {
        var barge = Ids.Next("BARGE");
        var bookings = Enumerable.Range(0, 4)
            .Select(_ => Make.Booking(Ids.Next("REP"), Ids.Containers(1), Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA")))
            .ToList();
        foreach (var booking in bookings)
        {
            await Grains.BookCreated(booking);
        }

        // The intake's first half only: the journal claims the event id and stores it in every stream it concerns, and
        // then the intake "crashes" before any active shipment has applied it.
        var departure = Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12));
        var recorded = await ScriptedJournal.Stored.RecordAsync(new RecordEvents([departure]));
        Assert.True(Assert.Single(recorded.Events).IsFirst);
        Assert.Equal(bookings.Select(b => b.ShipmentId).Order(), recorded.Deliveries.Keys.Order());
        foreach (var booking in bookings)
        {
            Assert.Equal(0, (await Grains.View(booking.ShipmentId)).TimelineCount(departure.EventId));
        }

        // The port system retries: the event is a duplicate, and it is delivered again to every shipment it concerns.
        Assert.Equal([EventOutcome.DUPLICATE], await Grains.Submit(departure));
        foreach (var booking in bookings)
        {
            Assert.Equal(1, (await Grains.View(booking.ShipmentId)).TimelineCount(departure.EventId));
        }

        // Once more changes nothing: each shipment applies an event once, however often it is delivered.
        Assert.Equal([EventOutcome.DUPLICATE], await Grains.Submit(departure));
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        foreach (var booking in bookings)
        {
            Assert.Equal(1, (await Grains.View(booking.ShipmentId)).TimelineCount(departure.EventId));
        }
    }
}
