using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Grains.Tests;

/// <summary>What a shipment shows and keeps while its storage is slow or failing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ShipmentStorageTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_read_during_a_write_answers_at_once_with_what_is_stored_and_not_the_write_in_progress()
    {
        var (booking, load) = await BookedWithLoad();
        var shipment = Grains.GetGrain<IShipmentGrain>(booking.ShipmentId);

        Task<IReadOnlyList<EventOutcome>> submitting;
        using (var held = ScriptedJournal.HoldRecordings(load.ContainerNumber!.Value.Value))
        {
            submitting = Grains.Submit(load);
            await held.Arrived.WaitAsync(Patience);

            var during = await shipment.GetView(includeTimeline: true).WaitAsync(Patience);

            Assert.NotNull(during);
            Assert.Equal(ShipmentStatus.BOOKED, during.Status);
            Assert.Equal(0, during.TimelineCount(load.EventId));
            Assert.False(submitting.IsCompleted);
        }

        Assert.Equal([EventOutcome.ACCEPTED], await submitting.WaitAsync(Patience));
        var after = await Grains.View(booking.ShipmentId);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, after.Status);
        Assert.Equal(1, after.TimelineCount(load.EventId));
    }

    [Fact]
    public async Task After_a_failed_recording_the_retried_event_is_accepted_and_stored_once()
    {
        var (booking, load) = await BookedWithLoad();
        ScriptedJournal.FailNextRecording(load.ContainerNumber!.Value.Value);

        // The caller learns of the storage failure itself, not of some other fault on the way.
        var failed = await Assert.ThrowsAsync<StoreUnavailableException>(() => Grains.Submit(load));
        Assert.Contains("scripted by the test", failed.Message);
        Assert.Equal(0, (await Grains.View(booking.ShipmentId)).TimelineCount(load.EventId));

        // The port retries: the failed attempt claimed nothing (its transaction never committed), so the retry is the
        // report that claims the id, and the event is stored once.
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(load));
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(1, (await Grains.View(booking.ShipmentId)).TimelineCount(load.EventId));
    }

    private async Task<(Domain.Booking.ShipmentBooking Booking, TransitEvent Load)> BookedWithLoad()
    {
        var barge = Ids.Next("SB");
        var container = Ids.Container();
        var booking = Make.Booking(Ids.Next("STO"), [container], Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA"));
        await Grains.BookCreated(booking);
        return (booking, Make.Equipment(EventCode.LOAD, container, "CNSUD", Make.ChinaTime(8, 30), TransportMode.BARGE, barge));
    }
}
