using Microsoft.Extensions.DependencyInjection;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class BookingTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Booking_is_created_once_and_the_same_booking_again_answers_the_same_shipment()
    {
        var booking = Make.Booking(Ids.Next("BK"), Ids.Containers(2), Make.Leg(TransportMode.BARGE, Ids.Next("BARGE"), "CNSUD", "CNNSA"));
        var shipment = Grains.GetGrain<IShipmentGrain>(booking.ShipmentId);

        var created = await shipment.Book(booking);
        Assert.Equal(BookingOutcome.Created, created.Outcome);
        Assert.Equal(ShipmentStatus.BOOKED, created.Shipment!.Status);
        Assert.Equal(booking.Containers.Select(c => c.Value), created.Shipment.Containers.Select(c => c.ContainerNumber));

        // A copy of the booking (new lists, equal content) is the same request sent again.
        var again = await shipment.Book(booking with { Containers = booking.Containers.ToList(), Legs = booking.Legs.ToList() });
        Assert.Equal(BookingOutcome.AlreadyBooked, again.Outcome);
        Deep.Equal(created.Shipment, again.Shipment);
    }

    [Fact]
    public async Task A_different_booking_under_the_same_shipment_id_is_a_conflict_and_changes_nothing()
    {
        var booking = Make.Booking(Ids.Next("BK"), Ids.Containers(1), Make.Leg(TransportMode.RAIL, Ids.Next("TRAIN"), "CNDLG", "PLMAL"));
        var before = await Grains.BookCreated(booking);

        var other = booking with { Containers = Ids.Containers(1) };
        var conflict = await Grains.GetGrain<IShipmentGrain>(booking.ShipmentId).Book(other);

        Assert.Equal(BookingOutcome.ShipmentConflict, conflict.Outcome);
        Assert.Null(conflict.Shipment);
        Deep.Equal(before, await Grains.View(booking.ShipmentId));
    }

    [Fact]
    public async Task A_container_on_another_active_shipment_is_refused_until_that_one_is_cancelled()
    {
        var container = Ids.Container();
        var leg = Make.Leg(TransportMode.BARGE, Ids.Next("BARGE"), "CNSUD", "CNNSA");
        var first = Make.Booking(Ids.Next("BK"), [container], leg);
        var second = Make.Booking(Ids.Next("BK"), [Ids.Container(), container], leg);
        await Grains.BookCreated(first);

        var refused = await Grains.GetGrain<IShipmentGrain>(second.ShipmentId).Book(second);
        Assert.Equal(BookingOutcome.ContainerConflict, refused.Outcome);
        Assert.Equal(first.ShipmentId, refused.ConflictingShipmentId);
        Assert.Contains(first.ShipmentId, refused.Detail);
        Assert.Contains(container.Value, refused.Detail);
        Assert.Null(await Grains.GetGrain<IShipmentGrain>(second.ShipmentId).GetView(includeTimeline: false));

        var cancelled = await Grains.GetGrain<IShipmentGrain>(first.ShipmentId).Cancel();
        Assert.Equal(CancellationOutcome.Cancelled, cancelled.Outcome);
        Assert.Equal(ShipmentStatus.CANCELLED, cancelled.Shipment!.Status);

        var rebooked = await Grains.BookCreated(second);
        Assert.Equal(ShipmentStatus.BOOKED, rebooked.Status);
        Assert.Equal(ShipmentStatus.CANCELLED, (await Grains.View(first.ShipmentId)).Status);
    }

    [Fact]
    public async Task A_retry_of_a_cancelled_shipments_event_is_a_duplicate_and_does_not_reach_the_containers_next_booking()
    {
        var container = Ids.Container();
        var leg = Make.Leg(TransportMode.BARGE, Ids.Next("BARGE"), "CNSUD", "CNNSA");
        var first = Make.Booking(Ids.Next("BK"), [container], leg);
        await Grains.BookCreated(first);
        var gateIn = Make.Equipment(EventCode.GTIN, container, "CNSUD", Make.ChinaTime(7, 0));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(gateIn));
        Assert.Equal(CancellationOutcome.Cancelled, (await Grains.GetGrain<IShipmentGrain>(first.ShipmentId).Cancel()).Outcome);

        // The port retries after the cancellation; the container is free now.
        Assert.Equal([EventOutcome.DUPLICATE], await Grains.Submit(gateIn));

        var next = await Grains.BookCreated(Make.Booking(Ids.Next("BK"), [container], leg));
        Assert.Equal(0, next.TimelineCount(gateIn.EventId));
        Assert.Equal(ShipmentStatus.BOOKED, next.Status);
        Assert.Equal(1, (await Grains.View(first.ShipmentId)).TimelineCount(gateIn.EventId));
    }

    [Fact]
    public async Task Cancelling_twice_is_refused_and_an_unknown_shipment_cannot_be_cancelled()
    {
        var booking = Make.Booking(Ids.Next("BK"), Ids.Containers(1), Make.Leg(TransportMode.TRUCK, Ids.Next("TRUCK"), "CNSZX", "CNYTN"));
        await Grains.BookCreated(booking);
        var shipment = Grains.GetGrain<IShipmentGrain>(booking.ShipmentId);

        Assert.Equal(CancellationOutcome.Cancelled, (await shipment.Cancel()).Outcome);
        var twice = await shipment.Cancel();
        Assert.Equal(CancellationOutcome.NotCancellable, twice.Outcome);
        Assert.Contains("CANCELLED", twice.Detail);

        Assert.Equal(CancellationOutcome.NotFound, (await Grains.GetGrain<IShipmentGrain>(Ids.Next("NONE")).Cancel()).Outcome);
    }

    [Fact]
    public async Task A_refused_booking_leaves_its_other_containers_unclaimed()
    {
        // The refused booking claimed `free` before it met the conflict on `taken`: that claim must not stick,
        // or the events reported for `free` meanwhile would go to a shipment that does not exist.
        var taken = Ids.Container();
        var free = Ids.Container();
        var leg = Make.Leg(TransportMode.BARGE, Ids.Next("BARGE"), "CNSUD", "CNNSA");
        await Grains.BookCreated(Make.Booking(Ids.Next("BK"), [taken], leg));
        var refusedId = Ids.Next("BK");
        var refused = await Grains.GetGrain<IShipmentGrain>(refusedId).Book(Make.Booking(refusedId, [free, taken], leg));
        Assert.Equal(BookingOutcome.ContainerConflict, refused.Outcome);

        var gateIn = Make.Equipment(EventCode.GTIN, free, "CNSUD", Make.ChinaTime(7, 0));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(gateIn));

        var later = Make.Booking(Ids.Next("BK"), [free], leg);
        await Grains.BookCreated(later);
        var view = await Grains.View(later.ShipmentId);
        Assert.Equal(1, view.TimelineCount(gateIn.EventId));
        Assert.Equal(ContainerStatus.AT_FACILITY, view.Containers[0].Status);
        var listed = await fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IShipmentIndex>()
            .PageAsync(new ShipmentQuery(null, null, free.Value, null, 10), CancellationToken.None);
        Assert.Equal([later.ShipmentId], listed.Shipments);
    }
}
