using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Shipments;

/// <summary>The shipment's state, step by step, for the journeys of domain.md.</summary>
public class ShipmentFoldTests
{
    private static readonly Instant Later = I("2021-01-09T00:00:00+08:00");

    private static ShipmentView After(Step step, params string[] containers) =>
        Shipment.View(Bookings.OnePort(containers), OnePortJourney.Of(containers).Through(step), Later);

    private static void AssertContainer(ShipmentView view, string number, ContainerStatus status, string? location, string? conveyance)
    {
        var c = view.Container(number);
        Assert.Equal((status, location, conveyance), (c.Status, c.Location, c.ConveyanceId));
    }

    private static void AssertLegs(ShipmentView view, params LegStatus[] statuses) =>
        Assert.Equal(statuses, view.Legs.Select(l => l.Status));

    [Fact]
    public void A_booked_shipment_without_events_is_BOOKED_and_expects_its_containers()
    {
        var view = Shipment.View(Bookings.OnePort(Csqu, Apzu), [], Later);
        Assert.Equal(ShipmentStatus.BOOKED, view.Status);
        AssertContainer(view, Csqu, ContainerStatus.EXPECTED, null, null);
        AssertContainer(view, Apzu, ContainerStatus.EXPECTED, null, null);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
        Assert.Equal(0, view.CurrentLeg);
        Assert.Equal(T("2021-01-08T06:00:00+01:00"), view.Eta);
        Assert.Equal(CustomsStatus.DECLARED, view.Customs.Status);
        Assert.Empty(view.Timeline!);
        Assert.Equal("GZ21-000123", view.ShipmentId);
        Assert.Equal("FWD-DEMO", view.Forwarder);
    }

    [Fact]
    public void Customs_release_at_the_feeder_puts_the_container_there()
    {
        var view = After(Step.Release);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Shunde, null);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
        Assert.Equal(new CustomsView(CustomsStatus.RELEASED, Shunde, T("2020-11-30T08:40:00+08:00")), view.Customs);
    }

    [Fact]
    public void Loading_on_the_barge()
    {
        var view = After(Step.LoadBarge);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Shunde, Barge);
        Assert.Equal(TransportMode.BARGE, view.Container(Csqu).ModeOfTransport);
        AssertLegs(view, LegStatus.LOADING, LegStatus.PLANNED);
        Assert.Equal(0, view.CurrentLeg);
    }

    [Fact]
    public void Barge_departs()
    {
        var view = After(Step.BargeDeparts);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Shunde, Barge);
        AssertLegs(view, LegStatus.DEPARTED, LegStatus.PLANNED);
        Assert.Equal(T("2020-11-30T09:12:00+08:00"), view.Legs[0].ActualDeparture);
        Assert.Null(view.Legs[0].ActualArrival);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
    }

    [Fact]
    public void Barge_arrives_at_Nansha_with_the_container_aboard()
    {
        var view = After(Step.BargeArrives);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Nansha, Barge);
        AssertLegs(view, LegStatus.ARRIVED, LegStatus.PLANNED);
        Assert.Equal(T("2020-11-30T17:12:00+08:00"), view.Legs[0].ActualArrival);
        Assert.Equal(0, view.CurrentLeg);
    }

    [Fact]
    public void Discharged_at_Nansha_and_not_loaded_onward_the_container_is_AT_FACILITY_at_CNNSA()
    {
        var view = After(Step.DischargeAtNansha);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Nansha, null);
        Assert.Null(view.Container(Csqu).ModeOfTransport);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.PLANNED);
        Assert.Equal(1, view.CurrentLeg);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
    }

    [Fact]
    public void Onward_loading_onto_the_vessel()
    {
        var view = After(Step.LoadVessel);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Nansha, Vessel);
        Assert.Equal(TransportMode.VESSEL, view.Container(Csqu).ModeOfTransport);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.LOADING);
        Assert.Equal(1, view.CurrentLeg);
    }

    [Fact]
    public void Vessel_departs_Nansha()
    {
        var view = After(Step.VesselDeparts);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Nansha, Vessel);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.DEPARTED);
        Assert.Equal(T("2020-12-02T22:30:00+08:00"), view.Legs[1].ActualDeparture);
    }

    [Fact]
    public void Vessel_arrives_at_Rotterdam()
    {
        var view = After(Step.VesselArrives);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Rotterdam, Vessel);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.ARRIVED);
        Assert.Equal(T("2021-01-08T09:00:00+01:00"), view.Eta); // the actual arrival, in Rotterdam's offset
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
    }

    [Fact]
    public void Discharged_at_Rotterdam_the_shipment_is_COMPLETED()
    {
        var view = After(Step.DischargeAtRotterdam);
        AssertContainer(view, Csqu, ContainerStatus.DELIVERED, Rotterdam, null);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.COMPLETED);
        Assert.Equal(1, view.CurrentLeg); // the last index once all are completed
        Assert.Equal(ShipmentStatus.COMPLETED, view.Status);
        Assert.Equal(CustomsStatus.RELEASED, view.Customs.Status);
        Assert.Equal(OnePortJourney.Of().All.Select(e => e.EventId), view.Timeline!.Select(t => t.EventId));
    }

    [Fact]
    public void A_leg_completes_only_when_every_container_is_discharged_at_its_to()
    {
        var journey = OnePortJourney.Of(Csqu, Apzu);
        var events = journey.Through(Step.BargeArrives).Append(journey.Events(Step.DischargeAtNansha)[0]);
        var view = Shipment.View(Bookings.OnePort(Csqu, Apzu), events, Later);
        AssertLegs(view, LegStatus.ARRIVED, LegStatus.PLANNED);
        Assert.Equal(0, view.CurrentLeg);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Nansha, null);
        AssertContainer(view, Apzu, ContainerStatus.ON_CONVEYANCE, Nansha, Barge);
    }

    [Fact]
    public void The_shipment_completes_only_when_every_container_is_delivered()
    {
        var journey = OnePortJourney.Of(Csqu, Apzu);
        var events = journey.Through(Step.VesselArrives).Append(journey.Events(Step.DischargeAtRotterdam)[1]);
        var view = Shipment.View(Bookings.OnePort(Csqu, Apzu), events, Later);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
        AssertContainer(view, Apzu, ContainerStatus.DELIVERED, Rotterdam, null);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Rotterdam, Vessel);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.ARRIVED);
    }

    [Fact]
    public void Gate_out_at_the_final_destination_delivers_and_completes()
    {
        var events = OnePortJourney.Of().Through(Step.VesselArrives)
            .Append(Ev.Equipment(EventCode.GTOT, Csqu, Rotterdam, "2021-01-09T10:00:00+01:00"));
        var view = Shipment.View(Bookings.OnePort(), events, Later);
        AssertContainer(view, Csqu, ContainerStatus.DELIVERED, Rotterdam, null);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.COMPLETED);
        Assert.Equal(ShipmentStatus.COMPLETED, view.Status);
    }

    [Fact]
    public void Gate_out_elsewhere_leaves_the_container_at_that_facility()
    {
        var events = OnePortJourney.Of().Through(Step.DischargeAtNansha)
            .Append(Ev.Equipment(EventCode.GTOT, Csqu, Nansha, "2020-12-01T10:00:00+08:00"));
        var view = Shipment.View(Bookings.OnePort(), events, Later);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Nansha, null);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
    }

    [Fact]
    public void Stuffing_a_container_that_is_aboard_does_not_take_it_off()
    {
        var events = OnePortJourney.Of().Through(Step.LoadBarge)
            .Append(Ev.Equipment(EventCode.STRP, Csqu, Shunde, "2020-11-30T09:00:00+08:00"));
        AssertContainer(Shipment.View(Bookings.OnePort(), events, Later), Csqu, ContainerStatus.ON_CONVEYANCE, Shunde, Barge);
    }

    [Fact]
    public void Gate_in_and_stuffing_put_an_expected_container_at_the_facility()
    {
        var view = Shipment.View(Bookings.OnePort(), [Ev.Equipment(EventCode.STUF, Csqu, "CNFOS", "2020-11-29T15:00:00+08:00")], Later);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, "CNFOS", null);
        view = Shipment.View(Bookings.OnePort(), [Ev.Equipment(EventCode.GTIN, Csqu, Shunde, "2020-11-30T07:10:00+08:00")], Later);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Shunde, null);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
    }

    [Fact]
    public void Events_of_containers_not_in_the_booking_change_nothing()
    {
        var view = Shipment.View(Bookings.OnePort(), [Ev.Load(Zepu, TransportMode.BARGE, Barge, Shunde, "2020-11-30T08:55:00+08:00")], Later);
        Assert.Equal(ShipmentStatus.BOOKED, view.Status);
        AssertContainer(view, Csqu, ContainerStatus.EXPECTED, null, null);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
    }

    [Fact]
    public void Estimates_and_plans_alone_leave_the_shipment_BOOKED()
    {
        var events = new[]
        {
            Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T10:00:00+08:00", EventClassifier.EST),
            Ev.Arri(TransportMode.VESSEL, Vessel, Rotterdam, "2021-01-09T06:00:00+01:00", EventClassifier.PLN),
        };
        var view = Shipment.View(Bookings.OnePort(), events, Later);
        Assert.Equal(ShipmentStatus.BOOKED, view.Status);
        AssertContainer(view, Csqu, ContainerStatus.EXPECTED, null, null);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
        Assert.Equal(T("2021-01-09T06:00:00+01:00"), view.Legs[1].PlannedArrival);
        Assert.Equal(2, view.Timeline!.Count);
    }

    [Fact]
    public void Booked_containers_count_as_aboard_once_the_conveyance_departs_from_the_legs_from_without_any_LOAD()
    {
        var journey = OnePortJourney.Of(Csqu, Apzu);
        var booking = Bookings.OnePort(Csqu, Apzu);

        var view = Shipment.View(booking, journey.Events(Step.BargeDeparts), Later);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Shunde, Barge);
        AssertContainer(view, Apzu, ContainerStatus.ON_CONVEYANCE, Shunde, Barge);
        AssertLegs(view, LegStatus.DEPARTED, LegStatus.PLANNED);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);

        view = Shipment.View(booking, journey.Events(Step.BargeDeparts).Concat(journey.Events(Step.BargeArrives)), Later);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Nansha, Barge);
        AssertLegs(view, LegStatus.ARRIVED, LegStatus.PLANNED);
    }

    [Fact]
    public void A_container_loaded_and_discharged_again_before_departure_is_shut_out_not_aboard()
    {
        // The barge was full: CSQU3054383 was loaded, then taken off again at Shunde before the barge left.
        var booking = Bookings.OnePort(Csqu, Apzu);
        var journey = OnePortJourney.Of(Csqu, Apzu);
        var shutOut = Ev.Disc(Csqu, TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:05:00+08:00");
        var events = journey.Through(Step.BargeDeparts).Append(shutOut).ToList();
        var view = Shipment.View(booking, events, Later);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Shunde, null);
        AssertContainer(view, Apzu, ContainerStatus.ON_CONVEYANCE, Shunde, Barge);

        // The barge's own view agrees.
        var barge = Domain.Conveyances.ConveyanceFold.View(
            new ConveyanceKey(TransportMode.BARGE, Barge),
            events.Where(e => e.EventType == EventType.TRANSPORT),
            RecordedMoves.Of(events.Where(e => EventVocabulary.MovesContainer(e.EventCode))),
            [new Domain.Conveyances.BookedLeg(booking.ShipmentId, L(Shunde), booking.Containers)]);
        Assert.Equal([Apzu], barge.Aboard);
    }

    [Fact]
    public void Booked_containers_board_the_onward_vessel_when_it_departs_without_any_LOAD()
    {
        var journey = OnePortJourney.Of();
        var events = journey.Through(Step.DischargeAtNansha).Concat(journey.Events(Step.VesselDeparts));
        var view = Shipment.View(Bookings.OnePort(), events, Later);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Nansha, Vessel);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.DEPARTED);
    }

    [Fact]
    public void A_departure_that_is_not_from_the_legs_from_does_not_board_booked_containers()
    {
        // The barge leaving Nansha (its next trip) is not the booked leg leaving Shunde.
        var view = Shipment.View(Bookings.OnePort(), [Ev.Depa(TransportMode.BARGE, Barge, Nansha, "2020-11-30T10:00:00+08:00")], Later);
        AssertContainer(view, Csqu, ContainerStatus.EXPECTED, null, null);
        Assert.Null(view.Legs[0].ActualDeparture);
    }

    [Fact]
    public void An_estimated_departure_does_not_board_anyone()
    {
        var view = Shipment.View(Bookings.OnePort(), [Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:30:00+08:00", EventClassifier.EST)], Later);
        AssertContainer(view, Csqu, ContainerStatus.EXPECTED, null, null);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
        Assert.Equal(T("2020-11-30T09:30:00+08:00"), view.Legs[0].EstimatedDeparture);
    }

    [Fact]
    public void The_vessel_leaving_an_earlier_port_of_call_does_not_start_the_leg_from_Nansha()
    {
        // COSCOPRIDE-047W calls at Shanghai and Yantian before Nansha; its transport events reach every shipment booked
        // on it. Its departure from Shanghai, while the container is still at Shunde, is not the Nansha leg departing.
        var events = OnePortJourney.Of().Through(Step.Release)
            .Append(Ev.Depa(TransportMode.VESSEL, Vessel, "CNSHA", "2020-11-27T18:00:00+08:00"))
            .Append(Ev.Depa(TransportMode.VESSEL, Vessel, "CNYTN", "2020-11-30T06:00:00+08:00"));
        var view = Shipment.View(Bookings.OnePort(), events, Later);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
        Assert.Null(view.Legs[1].ActualDeparture);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Shunde, null);
        Assert.Equal(T("2021-01-08T06:00:00+01:00"), view.Eta);
    }

    [Fact]
    public void A_conveyance_moving_with_none_of_the_shipments_containers_aboard_leaves_it_BOOKED()
    {
        var events = new[]
        {
            Ev.Depa(TransportMode.VESSEL, Vessel, "CNSHA", "2020-11-27T18:00:00+08:00"),
            Ev.Arri(TransportMode.VESSEL, Vessel, "CNYTN", "2020-11-29T18:00:00+08:00"),
            Ev.Cros(TransportMode.BARGE, Barge, "CNHMN", "2020-11-29T19:00:00+08:00"),
        };
        var view = Shipment.View(Bookings.OnePort(), events, Later);
        Assert.Equal(ShipmentStatus.BOOKED, view.Status);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
    }

    [Fact]
    public void The_vessel_leaving_a_later_port_of_call_with_the_container_aboard_moves_it_along()
    {
        var events = OnePortJourney.Of().Through(Step.VesselDeparts)
            .Append(Ev.Depa(TransportMode.VESSEL, Vessel, "SGSIN", "2020-12-08T10:00:00+08:00"));
        var view = Shipment.View(Bookings.OnePort(), events, Later);
        AssertLegs(view, LegStatus.COMPLETED, LegStatus.DEPARTED);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, "SGSIN", Vessel);
        Assert.Equal(T("2020-12-02T22:30:00+08:00"), view.Legs[1].ActualDeparture);
    }

    [Fact]
    public void The_most_recently_received_plan_wins_like_the_most_recently_received_estimate()
    {
        var older = Ev.Make(EventCode.ARRI, "2021-01-12T08:00:00+01:00", Rotterdam, TransportMode.VESSEL, Vessel,
            classifier: EventClassifier.PLN, receivedAt: I("2020-12-01T00:00:00Z"));
        var newer = Ev.Make(EventCode.ARRI, "2021-01-09T08:00:00+01:00", Rotterdam, TransportMode.VESSEL, Vessel,
            classifier: EventClassifier.PLN, receivedAt: I("2020-12-05T00:00:00Z"));
        Assert.Equal(T("2021-01-09T08:00:00+01:00"), Shipment.View(Bookings.OnePort(), [older, newer], Later).Legs[1].PlannedArrival);
        Assert.Equal(T("2021-01-09T08:00:00+01:00"), Shipment.View(Bookings.OnePort(), [newer, older], Later).Eta);
    }

    [Fact]
    public void The_same_conveyance_id_in_another_mode_is_another_conveyance()
    {
        var view = Shipment.View(Bookings.OnePort(), [Ev.Depa(TransportMode.VESSEL, Barge, Shunde, "2020-11-30T09:12:00+08:00")], Later);
        AssertContainer(view, Csqu, ContainerStatus.EXPECTED, null, null);
        AssertLegs(view, LegStatus.PLANNED, LegStatus.PLANNED);
    }

    [Fact]
    public void A_late_reported_departure_ends_in_the_same_state_as_the_ordered_pair()
    {
        var journey = OnePortJourney.Of();
        var depa = journey.Events(Step.BargeDeparts)[0];
        var arri = journey.Events(Step.BargeArrives)[0];
        var ordered = Shipment.View(Bookings.OnePort(), [depa, arri], Later);
        var late = Shipment.View(Bookings.OnePort(), [arri, depa.Received(arri.ReceivedAt + Duration.FromDays(1))], Later);
        Assert.Equal(LegStatus.ARRIVED, late.Legs[0].Status);
        Assert.Equal(Shipment.Text(ordered, withTimeline: false), Shipment.Text(late, withTimeline: false));
    }

    [Fact]
    public void Timeline_is_ordered_by_eventDateTime_then_receivedAt()
    {
        var a = Ev.Make(EventCode.GTIN, "2020-11-30T07:00:00+08:00", Shunde, container: Csqu, id: "A", receivedAt: I("2020-11-30T12:00:00Z"));
        var b = Ev.Make(EventCode.CUSR, "2020-11-29T23:00:00Z", Shunde, container: Csqu, id: "B", receivedAt: I("2020-11-30T11:00:00Z")); // = 07:00+08:00
        var c = Ev.Make(EventCode.LOAD, "2020-11-30T08:55:00+08:00", Shunde, TransportMode.BARGE, Barge, Csqu, id: "C", receivedAt: I("2020-11-30T01:00:00Z"));
        var view = Shipment.View(Bookings.OnePort(), [c, a, b], Later);
        Assert.Equal(["B", "A", "C"], view.Timeline!.Select(t => t.EventId));
        Assert.Equal("2020-11-30T07:00:00+08", Format(view.Timeline![0].EventDateTime)); // reported in UTC, shown in Shunde's time
    }

    [Fact]
    public void Customs_summary_reports_the_most_restrictive_state()
    {
        var booking = Bookings.OnePort(Csqu, Apzu);
        var release = OnePortJourney.Of(Csqu, Apzu).Events(Step.Release);

        Assert.Equal(CustomsStatus.RELEASED, Shipment.View(booking, release, Later).Customs.Status);
        Assert.Equal(new CustomsView(CustomsStatus.DECLARED, null, null), Shipment.View(booking, release.Take(1), Later).Customs);

        var held = release.Append(Ev.Customs(EventCode.CUSH, Apzu, Shunde, "2020-11-30T09:00:00+08:00"));
        Assert.Equal(new CustomsView(CustomsStatus.HELD, Shunde, null), Shipment.View(booking, held, Later).Customs);

        var inspected = release.Append(Ev.Customs(EventCode.CUSI, Apzu, Shunde, "2020-11-30T09:00:00+08:00"));
        Assert.Equal(CustomsStatus.INSPECTION, Shipment.View(booking, inspected, Later).Customs.Status);

        var revoked = held.Append(Ev.Customs(EventCode.CUSX, Csqu, Nansha, "2020-12-01T09:00:00+08:00"));
        Assert.Equal(new CustomsView(CustomsStatus.REVOKED, Nansha, null), Shipment.View(booking, revoked, Later).Customs);

        var releasedAgain = held.Append(Ev.Customs(EventCode.CUSR, Apzu, Shunde, "2020-11-30T11:00:00+08:00"));
        Assert.Equal(new CustomsView(CustomsStatus.RELEASED, Shunde, T("2020-11-30T11:00:00+08:00")), Shipment.View(booking, releasedAgain, Later).Customs);
    }

    [Fact]
    public void Customs_without_a_declaration_or_events_is_NOT_DECLARED() =>
        Assert.Equal(CustomsStatus.NOT_DECLARED, Shipment.View(Bookings.OnePort(declaration: null, Csqu), [], Later).Customs.Status);

    [Fact]
    public void A_cancelled_shipment_is_CANCELLED_whatever_its_events()
    {
        var record = Shipment.Record(Bookings.OnePort(), OnePortJourney.Of().Through(Step.LoadBarge), cancelledAt: I("2020-11-30T09:00:00+08:00"));
        var view = Shipment.View(record, Later);
        Assert.Equal(ShipmentStatus.CANCELLED, view.Status);
        Assert.Equal(I("2020-11-30T09:00:00+08:00"), view.CancelledAt);
        Assert.Equal(Shipment.BookedAt, view.BookedAt);
    }

    [Fact]
    public void Timeline_is_left_out_on_request()
    {
        var record = Shipment.Record(Bookings.OnePort(), OnePortJourney.Of().All);
        var view = ShipmentProjection.View(record, Shipment.Evaluate(record, Later), includeTimeline: false);
        Assert.Null(view.Timeline);
        Assert.Equal(ShipmentStatus.COMPLETED, view.Status);
    }

    [Fact]
    public void Issued_triggers_are_shown_with_their_delivery()
    {
        var journey = OnePortJourney.Of();
        var eligible = Shipment.Refund(Bookings.OnePort(), journey.Through(Step.BargeDeparts), I("2020-11-30T10:00:00+08:00")).Due.Single();
        var record = Shipment.Record(Bookings.OnePort(), journey.Through(Step.BargeDeparts), [eligible]);
        var trigger = Shipment.View(record, I("2020-12-01T10:00:00+08:00")).TaxRefund.Triggers.Single();
        Assert.Equal(new TriggerView("GZ21-000123:REFUND_ELIGIBLE", TaxRefundTriggerKind.REFUND_ELIGIBLE, eligible.IssuedAt, eligible.IssuedAt + Duration.FromSeconds(1), null), trigger);
    }

    // ---- China–Europe rail: Dalang → Moscow with the gauge change at Manzhouli ----

    private static readonly TransitEvent RailLoad = Ev.Load(Csqu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:00:00+08:00");
    private static readonly TransitEvent RailDepa = Ev.Depa(TransportMode.RAIL, Train, Dalang, "2021-01-15T10:20:00+08:00");
    private static readonly TransitEvent RailCros = Ev.Cros(TransportMode.RAIL, Train, Manzhouli, "2021-01-20T14:00:00+08:00");
    private static readonly TransitEvent RailDisc = Ev.Disc(Csqu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T09:00:00+08:00");
    private static readonly TransitEvent BroadLoad = Ev.Load(Csqu, TransportMode.RAIL, BroadGaugeTrain, Manzhouli, "2021-01-21T15:00:00+08:00");
    private static readonly TransitEvent BroadDepa = Ev.Depa(TransportMode.RAIL, BroadGaugeTrain, Manzhouli, "2021-01-21T20:00:00+08:00");
    private static readonly TransitEvent BroadArri = Ev.Arri(TransportMode.RAIL, BroadGaugeTrain, Moscow, "2021-01-30T11:00:00+03:00");
    private static readonly TransitEvent BroadDisc = Ev.Disc(Csqu, TransportMode.RAIL, BroadGaugeTrain, Moscow, "2021-01-30T15:00:00+03:00");

    private static ShipmentView Rail(params TransitEvent[] events) => Shipment.View(Bookings.Rail(), events, I("2021-02-01T00:00:00Z"));

    [Fact]
    public void Rail_border_crossing_keeps_the_leg_departed_and_moves_the_container_with_the_train()
    {
        var view = Rail(RailLoad, RailDepa, RailCros);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Manzhouli, Train);
        AssertLegs(view, LegStatus.DEPARTED);
        Assert.Equal(T("2021-01-15T10:20:00+08:00"), view.Legs[0].ActualDeparture);
    }

    [Fact]
    public void Rail_discharge_at_the_gauge_break_is_not_the_end_of_the_leg()
    {
        var view = Rail(RailLoad, RailDepa, RailCros, RailDisc);
        AssertContainer(view, Csqu, ContainerStatus.AT_FACILITY, Manzhouli, null);
        AssertLegs(view, LegStatus.DEPARTED);
        Assert.Empty(view.Legs[0].TranshippedTo);
    }

    [Fact]
    public void Rail_transhipment_onto_the_broad_gauge_train_continues_the_leg_to_Moscow()
    {
        var view = Rail(RailLoad, RailDepa, RailCros, RailDisc, BroadLoad, BroadDepa, BroadArri);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Moscow, BroadGaugeTrain);
        AssertLegs(view, LegStatus.ARRIVED);
        var leg = view.Legs[0];
        Assert.Equal([BroadGaugeTrain], leg.TranshippedTo);
        Assert.Equal(Train, leg.ConveyanceId);
        Assert.Equal(T("2021-01-15T10:20:00+08:00"), leg.ActualDeparture); // the broad-gauge DEPA is not the leg's departure
        Assert.Equal(T("2021-01-30T11:00:00+03:00"), leg.ActualArrival);
        Assert.Equal(T("2021-01-30T11:00:00+03:00"), view.Eta);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, view.Status);
    }

    [Fact]
    public void Rail_mid_transhipment_container_moves_with_the_new_train()
    {
        var view = Rail(RailLoad, RailDepa, RailCros, RailDisc, BroadLoad, BroadDepa);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Manzhouli, BroadGaugeTrain);
        AssertLegs(view, LegStatus.DEPARTED);
        Assert.Equal([BroadGaugeTrain], view.Legs[0].TranshippedTo);
    }

    [Fact]
    public void Rail_discharge_from_the_broad_gauge_train_at_Moscow_completes_the_shipment()
    {
        var view = Rail(RailLoad, RailDepa, RailCros, RailDisc, BroadLoad, BroadDepa, BroadArri, BroadDisc);
        AssertContainer(view, Csqu, ContainerStatus.DELIVERED, Moscow, null);
        AssertLegs(view, LegStatus.COMPLETED);
        Assert.Equal(ShipmentStatus.COMPLETED, view.Status);
        Assert.Equal(0, view.CurrentLeg);
    }

    [Fact]
    public void Rail_booked_containers_board_the_train_on_departure_from_Dalang()
    {
        var view = Rail(RailDepa, RailCros);
        AssertContainer(view, Csqu, ContainerStatus.ON_CONVEYANCE, Manzhouli, Train);
        AssertLegs(view, LegStatus.DEPARTED);
    }
}
