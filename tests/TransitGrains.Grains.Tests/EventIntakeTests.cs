using TransitGrains.Abstractions;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EventIntakeTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task The_same_event_id_is_accepted_once_across_batches_and_within_one()
    {
        var container = Ids.Container();
        var barge = Ids.Next("BARGE");
        var booking = Make.Booking(Ids.Next("EI"), [container], Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA"));
        await Grains.BookCreated(booking);

        var gateIn = Make.Equipment(EventCode.GTIN, container, "CNSUD", Make.ChinaTime(7, 0));
        var departure = Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12));
        Assert.Equal([EventOutcome.ACCEPTED, EventOutcome.DUPLICATE, EventOutcome.ACCEPTED, EventOutcome.DUPLICATE],
            await Grains.Submit(gateIn, gateIn, departure, departure));

        // The same id again is a duplicate whatever else it says.
        var sameIdOtherContent = gateIn with { EventCode = EventCode.GTOT, EventDateTime = Make.ChinaTime(8, 0) };
        Assert.Equal([EventOutcome.DUPLICATE, EventOutcome.DUPLICATE], await Grains.Submit(sameIdOtherContent, departure));

        var view = await Grains.View(booking.ShipmentId);
        Assert.Equal(1, view.TimelineCount(gateIn.EventId));
        Assert.Equal(1, view.TimelineCount(departure.EventId));
        Assert.Equal(EventCode.GTIN, view.Timeline!.Single(e => e.EventId == gateIn.EventId).EventCode);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
    }

    [Fact]
    public async Task Events_for_a_container_and_a_conveyance_before_any_booking_are_kept_and_applied_on_booking()
    {
        var container = Ids.Container();
        var barge = Ids.Next("BARGE");
        var release = Make.Customs(EventCode.CUSR, container, "CNSUD", Make.ChinaTime(8, 40));
        var load = Make.Equipment(EventCode.LOAD, container, "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, barge);
        var departure = Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12));
        Assert.Equal([EventOutcome.ACCEPTED, EventOutcome.ACCEPTED, EventOutcome.ACCEPTED], await Grains.Submit(release, load, departure));
        Assert.Equal([EventOutcome.DUPLICATE, EventOutcome.DUPLICATE], await Grains.Submit(release, departure));

        var booking = Make.Booking(Ids.Next("EI"), [container], Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA"));
        var booked = await Grains.BookCreated(booking);

        Assert.Equal([release.EventId, load.EventId, departure.EventId], booked.Timeline!.Select(e => e.EventId));
        Assert.Equal(ShipmentStatus.IN_TRANSIT, booked.Status);
        Assert.Equal(CustomsStatus.RELEASED, booked.Customs.Status);
        Assert.Equal(LegStatus.DEPARTED, booked.Legs[0].Status);
        Assert.Equal(departure.EventDateTime, booked.Legs[0].ActualDeparture);
        Assert.Equal(ContainerStatus.ON_CONVEYANCE, booked.Containers[0].Status);
        Assert.Equal(barge, booked.Containers[0].ConveyanceId);

        // Handed over: the container no longer keeps them, and they stay duplicates at the shipment.
        Assert.Equal([EventOutcome.DUPLICATE, EventOutcome.DUPLICATE, EventOutcome.DUPLICATE], await Grains.Submit(release, load, departure));
        var view = await Grains.View(booking.ShipmentId);
        Assert.Equal(3, view.Timeline!.Count);
    }

    [Theory]
    [InlineData(TransportMode.BARGE, "CNSUD", "CNNSA")]
    [InlineData(TransportMode.RAIL, "CNDLG", "PLMAL")]
    public async Task A_departure_reaches_every_shipment_booked_on_the_conveyance_exactly_once(TransportMode mode, string from, string to)
    {
        var conveyance = Ids.Next(mode.ToString());
        var bookings = Enumerable.Range(0, 10)
            .Select(i => Make.Booking(Ids.Next("FAN"), Ids.Containers(1 + (i % 3)), Make.Leg(mode, conveyance, from, to)))
            .ToList();
        foreach (var booking in bookings)
        {
            await Grains.BookCreated(booking);
        }

        var departure = Make.Transport(EventCode.DEPA, mode, conveyance, from, Make.ChinaTime(9, 0));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(departure));
        Assert.Equal([EventOutcome.DUPLICATE], await Grains.Submit(departure));

        foreach (var booking in bookings)
        {
            var view = await Grains.View(booking.ShipmentId);
            Assert.Equal(1, view.TimelineCount(departure.EventId));
            Assert.Single(view.Timeline!);
            Assert.Equal(LegStatus.DEPARTED, view.Legs[0].Status);
            Assert.All(view.Containers, c => Assert.Equal(ContainerStatus.ON_CONVEYANCE, c.Status));
        }

        var conveyanceView = await Grains.GetGrain<IConveyanceGrain>($"{mode}/{conveyance}").GetView(null);
        Assert.Equal(ConveyanceStatus.DEPARTED, conveyanceView!.Status);
        Assert.Equal(bookings.Sum(b => b.Containers.Count), conveyanceView.Aboard.Count);
    }

    [Fact]
    public async Task A_container_loaded_onto_a_conveyance_outside_its_legs_follows_that_conveyance()
    {
        // Rail transhipment at Manzhouli: the booked train stops at the border, the container goes on by another.
        var container = Ids.Container();
        var bookedTrain = Ids.Next("TRAIN");
        var broadGauge = Ids.Next("TRAIN");
        var booking = Make.Booking(Ids.Next("TS"), [container], Make.Leg(TransportMode.RAIL, bookedTrain, "CNDLG", "RUMOW"));
        await Grains.BookCreated(booking);

        var leaves = Make.Transport(EventCode.DEPA, TransportMode.RAIL, bookedTrain, "CNDLG", Make.ChinaTime(10, 0));
        var reachesBorder = Make.Transport(EventCode.ARRI, TransportMode.RAIL, broadGauge, "CNMZL", Make.ChinaTime(6, 0, plusDays: 3));
        var transhipped = Make.Equipment(EventCode.LOAD, container, "CNMZL", Make.ChinaTime(12, 0, plusDays: 3), TransportMode.RAIL, broadGauge);
        var onwards = Make.Transport(EventCode.DEPA, TransportMode.RAIL, broadGauge, "CNMZL", Make.ChinaTime(18, 0, plusDays: 3));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(leaves));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(reachesBorder));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(transhipped));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(onwards));

        var view = await Grains.View(booking.ShipmentId);
        Assert.Equal(1, view.TimelineCount(onwards.EventId));
        Assert.Equal(1, view.TimelineCount(transhipped.EventId));
        Assert.Equal([broadGauge], view.Legs[0].TranshippedTo);
        Assert.Equal(ContainerStatus.ON_CONVEYANCE, view.Containers[0].Status);
        Assert.Equal(broadGauge, view.Containers[0].ConveyanceId);
        Assert.Equal("CNMZL", view.Containers[0].Location);

        // Following it, the shipment hears the broad-gauge train's later moves too.
        var crossing = Make.Transport(EventCode.CROS, TransportMode.RAIL, broadGauge, "RUZBK", Make.ChinaTime(22, 0, plusDays: 3));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(crossing));
        view = await Grains.View(booking.ShipmentId);
        Assert.Equal(1, view.TimelineCount(crossing.EventId));
        Assert.Equal("RUZBK", view.Containers[0].Location);
    }

    [Fact]
    public async Task A_transhipment_reported_before_the_booking_makes_the_shipment_follow_the_onward_train()
    {
        var container = Ids.Container();
        var bookedTrain = Ids.Next("TRAIN");
        var broadGauge = Ids.Next("TRAIN");
        var onwardDeparture = Make.Transport(EventCode.DEPA, TransportMode.RAIL, broadGauge, "CNMZL", Make.ChinaTime(18, 0, plusDays: 3));
        Assert.Equal([EventOutcome.ACCEPTED, EventOutcome.ACCEPTED], await Grains.Submit(
            Make.Equipment(EventCode.LOAD, container, "CNMZL", Make.ChinaTime(12, 0, plusDays: 3), TransportMode.RAIL, broadGauge),
            onwardDeparture));

        var booking = Make.Booking(Ids.Next("TS"), [container], Make.Leg(TransportMode.RAIL, bookedTrain, "CNDLG", "RUMOW"));
        var booked = await Grains.BookCreated(booking);
        Assert.Equal(1, booked.TimelineCount(onwardDeparture.EventId));

        var arrival = Make.Transport(EventCode.ARRI, TransportMode.RAIL, broadGauge, "RUMOW", Make.ChinaTime(9, 0, plusDays: 12));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(arrival));
        var view = await Grains.View(booking.ShipmentId);
        Assert.Equal(1, view.TimelineCount(arrival.EventId));
        Assert.Equal("RUMOW", view.Containers[0].Location);
        Assert.Equal(broadGauge, view.Containers[0].ConveyanceId);
    }
}
