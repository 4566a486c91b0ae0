using CsCheck;
using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.TaxRefund;

/// <summary>The departure-port tax refund (CaiShui [2020] No. 48), through <see cref="ShipmentProjection.Evaluate"/>.</summary>
public class RefundWorkflowTests
{
    private static readonly Instant AfterBargeDeparture = I("2020-12-01T10:00:00+08:00");
    private static readonly Instant AfterVesselDeparture = I("2020-12-03T10:00:00+08:00");
    private static readonly OffsetDateTime Deadline = T("2021-01-29T23:59:59+08:00");

    /// <summary>The deadline plus the default grace for a late exit report (REFUND_ELIGIBLE was issued long before).</summary>
    /// <summary>From this instant on, with no exit reported, the refund is revoked: the deadline's day over, plus the grace.</summary>
    private static readonly Instant GraceEnds = RefundPolicyBook.DeadlinePassesAt(Deadline) + RefundPolicyBook.DefaultExitReportGrace;

    private static readonly ShipmentBooking OneContainer = Bookings.OnePort(Csqu);
    private static readonly ShipmentBooking TwoContainers = Bookings.OnePort(Csqu, Apzu);
    private static readonly OnePortJourney Journey = OnePortJourney.Of(Csqu);
    private static readonly OnePortJourney JourneyOfTwo = OnePortJourney.Of(Csqu, Apzu);

    private static TaxRefundTrigger Eligible(ShipmentBooking booking, OnePortJourney journey)
    {
        var refund = Shipment.Refund(booking, journey.Through(Step.BargeDeparts), AfterBargeDeparture);
        return Assert.Single(refund.Due);
    }

    private static readonly TaxRefundTrigger IssuedEligible = Eligible(OneContainer, Journey);

    /// <summary>The assessment once REFUND_ELIGIBLE has been issued (it is in the outbox).</summary>
    private static RefundAssessment AfterEligible(IEnumerable<TransitEvent> events, Instant now, Instant? cancelledAt = null) =>
        Shipment.Refund(OneContainer, events, now, [IssuedEligible], cancelledAt);

    private static void AssertNotApplicable(RefundAssessment refund)
    {
        Assert.Equal(TaxRefundStatus.NOT_APPLICABLE, refund.Status);
        Assert.Empty(refund.Due);
        Assert.Null(refund.Deadline);
        Assert.Null(refund.DeparturePort);
        Assert.Null(refund.ExitPort);
    }

    private static void AssertPending(RefundAssessment refund)
    {
        Assert.Equal(TaxRefundStatus.PENDING, refund.Status);
        Assert.Empty(refund.Due);
        Assert.Equal((Shunde, Nansha), (refund.DeparturePort?.Value, refund.ExitPort?.Value));
        Assert.Null(refund.Deadline);
    }

    private static TaxRefundTrigger AssertRevoked(RefundAssessment refund, RefundRevocationReason reason)
    {
        Assert.Equal(TaxRefundStatus.REVOKED, refund.Status);
        var trigger = Assert.Single(refund.Due);
        Assert.Equal(TaxRefundTriggerKind.REFUND_REVOKED, trigger.Kind);
        Assert.Equal(reason, trigger.Reason);
        Assert.Equal("GZ21-000123:REFUND_REVOKED", trigger.MessageId);
        Assert.Null(trigger.ExitedAt);
        return trigger;
    }

    // ---- When the refund does not apply ----

    [Fact]
    public void Without_an_export_declaration_it_is_NOT_APPLICABLE() =>
        AssertNotApplicable(Shipment.Refund(Bookings.OnePort(declaration: null, Csqu), Journey.All, AfterVesselDeparture));

    [Fact]
    public void Dangerous_goods_are_NOT_APPLICABLE() =>
        AssertNotApplicable(Shipment.Refund(
            Bookings.OnePort(Bookings.Declaration with { DangerousGoods = true }, Csqu), Journey.All, AfterVesselDeparture));

    public static TheoryData<string, PlannedLeg> UncoveredRoutes => new()
    {
        { "departure port not listed", Bookings.BargeLeg(from: "CNZHA") },
        { "exit port not listed", Bookings.BargeLeg(to: "CNSHK") },
        { "not a waterway leg", Bookings.BargeLeg(mode: TransportMode.TRUCK) },
        { "the wrong way round", Bookings.BargeLeg(from: Nansha, to: Shunde) },
    };

    [Theory]
    [MemberData(nameof(UncoveredRoutes))]
    public void A_route_the_policy_does_not_cover_is_NOT_APPLICABLE(string why, PlannedLeg leg)
    {
        var booking = Bookings.Make("GZ21-000124", Bookings.Declaration, [leg], Csqu);
        var events = new[]
        {
            Ev.Customs(EventCode.CUSR, Csqu, leg.From.Value, "2020-11-30T08:40:00+08:00"),
            Ev.Depa(leg.Mode, leg.ConveyanceId, leg.From.Value, "2020-11-30T09:12:00+08:00"),
        };
        AssertNotApplicable(Shipment.Refund(booking, events, AfterBargeDeparture));
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void A_vessel_straight_from_Nansha_is_NOT_APPLICABLE()
    {
        var booking = Bookings.Make("GZ21-000125", Bookings.Declaration, [Bookings.VesselLeg()], Csqu);
        AssertNotApplicable(Shipment.Refund(booking, Journey.All, AfterVesselDeparture));
    }

    [Fact]
    public void A_departure_before_the_policy_took_effect_is_NOT_APPLICABLE()
    {
        // 2020-09-30T23:30+08:00 is still 30 September in China: the notice is in force from 1 October.
        var journey = new OnePortJourney([Csqu], bargeDeparture: "2020-09-30T23:30:00+08:00", vesselDeparture: "2020-10-03T22:00:00+08:00");
        var events = journey.Events(Step.Release).Select(e => e with { EventDateTime = T("2020-09-30T08:40:00+08:00") })
            .Concat(journey.Events(Step.BargeDeparts));
        AssertNotApplicable(Shipment.Refund(OneContainer, events, I("2020-10-01T10:00:00+08:00")));
    }

    [Fact]
    public void The_effective_date_is_the_local_date_in_China_of_the_actual_departure()
    {
        // 2020-09-30T16:30Z is 1 October 00:30 in China: covered, although the booking planned 30 September.
        var booking = Bookings.Make("GZ21-000126", Bookings.Declaration,
            [Bookings.BargeLeg(departure: "2020-09-30T09:00:00+08:00", arrival: "2020-09-30T17:00:00+08:00"), Bookings.VesselLeg()], Csqu);
        var release = Ev.Customs(EventCode.CUSR, Csqu, Shunde, "2020-09-30T08:40:00+08:00");
        var load = Ev.Load(Csqu, TransportMode.BARGE, Barge, Shunde, "2020-09-30T08:55:00+08:00");
        AssertNotApplicable(Shipment.Refund(booking, [release, load], I("2020-09-30T09:00:00+08:00"))); // judged by the plan until it departs

        var departure = Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-09-30T16:30:00Z");
        var refund = Shipment.Refund(booking, [release, load, departure], I("2020-10-01T10:00:00+08:00"));
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Equal(T("2020-11-30T23:59:59+08:00"), refund.Deadline); // 1 Oct + 60 days
    }

    // ---- PENDING until release and departure ----

    [Fact]
    public void A_qualifying_booking_without_events_is_PENDING() =>
        AssertPending(Shipment.Refund(OneContainer, [], Shipment.BookedAt));

    [Fact]
    public void Release_without_departure_is_PENDING() =>
        AssertPending(Shipment.Refund(OneContainer, Journey.Through(Step.LoadBarge), AfterBargeDeparture));

    [Fact]
    public void Departure_without_release_is_PENDING() =>
        AssertPending(Shipment.Refund(OneContainer, Journey.Events(Step.LoadBarge).Concat(Journey.Events(Step.BargeDeparts)), AfterBargeDeparture));

    [Fact]
    public void Every_container_must_be_released_at_the_departure_port()
    {
        var oneReleased = JourneyOfTwo.Through(Step.BargeDeparts).Where(e => !(e.EventCode == EventCode.CUSR && e.ContainerNumber == C(Apzu)));
        AssertPending(Shipment.Refund(TwoContainers, oneReleased, AfterBargeDeparture));

        var releasedElsewhere = oneReleased.Append(Ev.Customs(EventCode.CUSR, Apzu, Nansha, "2020-11-30T08:50:00+08:00"));
        AssertPending(Shipment.Refund(TwoContainers, releasedElsewhere, AfterBargeDeparture));
    }

    [Fact]
    public void Only_an_actual_departure_of_the_booked_barge_from_the_departure_port_counts()
    {
        var release = Journey.Events(Step.Release);
        AssertPending(Shipment.Refund(OneContainer,
            release.Append(Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:12:00+08:00", EventClassifier.EST)), AfterBargeDeparture));
        AssertPending(Shipment.Refund(OneContainer,
            release.Append(Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:12:00+08:00", EventClassifier.PLN)), AfterBargeDeparture));
        AssertPending(Shipment.Refund(OneContainer,
            release.Append(Ev.Depa(TransportMode.BARGE, "SUIGANG905-2012B", Shunde, "2020-11-30T09:12:00+08:00")), AfterBargeDeparture));
        AssertPending(Shipment.Refund(OneContainer,
            release.Append(Ev.Depa(TransportMode.BARGE, Barge, "CNFOS", "2020-11-30T09:12:00+08:00")), AfterBargeDeparture));
    }

    // ---- REFUND_ELIGIBLE ----

    [Fact]
    public void Release_and_departure_make_REFUND_ELIGIBLE_due_with_everything_the_tax_system_needs()
    {
        var refund = Shipment.Refund(TwoContainers, JourneyOfTwo.Through(Step.BargeDeparts), AfterBargeDeparture);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Equal((Shunde, Nansha), (refund.DeparturePort?.Value, refund.ExitPort?.Value));
        Assert.Equal(Deadline, refund.Deadline);

        var trigger = Assert.Single(refund.Due);
        Assert.Equal(TaxRefundTriggerKind.REFUND_ELIGIBLE, trigger.Kind);
        Assert.Equal("GZ21-000123:REFUND_ELIGIBLE", trigger.MessageId);
        Assert.Equal("GZ21-000123", trigger.ShipmentId);
        Assert.Equal(DeclarationNumber, trigger.DeclarationNumber);
        Assert.Equal(ExporterTaxId, trigger.ExporterTaxId);
        Assert.Equal([Csqu, Apzu], trigger.Containers);
        Assert.Equal((Shunde, Nansha, Barge), (trigger.DeparturePort, trigger.ExitPort, trigger.ConveyanceId));
        Assert.Equal(T("2020-11-30T08:40:00+08:00"), trigger.ReleasedAt);
        Assert.Equal(T("2020-11-30T09:12:00+08:00"), trigger.DepartedAt);
        Assert.Null(trigger.ExitedAt);
        Assert.Equal(Deadline, trigger.Deadline);
        Assert.Null(trigger.Reason);
        Assert.Equal(AfterBargeDeparture, trigger.IssuedAt);
    }

    [Fact]
    public void ReleasedAt_is_the_last_release_of_the_shipments_containers()
    {
        var events = JourneyOfTwo.Through(Step.BargeDeparts)
            .Append(Ev.Customs(EventCode.CUSR, Apzu, Shunde, "2020-11-30T08:50:00+08:00"));
        Assert.Equal(T("2020-11-30T08:50:00+08:00"), Shipment.Refund(TwoContainers, events, AfterBargeDeparture).Due.Single().ReleasedAt);
    }

    [Theory]
    [InlineData("2020-11-30T23:30:00+08:00", "2021-01-29T23:59:59+08:00")] // local date 30 Nov + 60 days
    [InlineData("2020-11-30T16:30:00Z", "2021-01-30T23:59:59+08:00")]      // already 1 Dec 00:30 in China
    [InlineData("2020-11-30T00:00:00+08:00", "2021-01-29T23:59:59+08:00")]
    [InlineData("2020-11-30T08:30:00+01:00", "2021-01-29T23:59:59+08:00")] // 15:30 in China
    [InlineData("2020-12-31T17:00:00+08:00", "2021-03-01T23:59:59+08:00")] // across February
    [InlineData("2020-11-30T23:59:59.5+08:00", "2021-01-29T23:59:59+08:00")] // the last half second of 30 Nov
    [InlineData("2020-12-01T00:00:00+08:00", "2021-01-30T23:59:59+08:00")]   // the first instant of 1 Dec
    [InlineData("2020-11-30T15:59:59.999999999Z", "2021-01-29T23:59:59+08:00")]
    public void The_deadline_is_the_end_of_the_China_local_day_60_days_after_the_departures_local_date(string departure, string deadline)
    {
        var journey = new OnePortJourney([Csqu], bargeDeparture: departure);
        var refund = Shipment.Refund(OneContainer, journey.Through(Step.BargeDeparts), I("2021-01-02T00:00:00Z"));
        var trigger = Assert.Single(refund.Due);
        Assert.Equal(T(deadline), trigger.Deadline);
        Assert.Equal(T(deadline), refund.Deadline);
        Assert.Equal(T(departure).ToInstant(), trigger.DepartedAt!.Value.ToInstant());
        Assert.Equal(Offset.FromHours(8), trigger.DepartedAt.Value.Offset); // whatever the offset reported, in Shunde's time
    }

    [Fact]
    public void A_triggers_times_reported_in_UTC_are_in_the_time_of_their_ports()
    {
        var journey = new OnePortJourney([Csqu], bargeDeparture: "2020-11-30T01:12:00Z", vesselDeparture: "2020-12-02T14:30:00Z");
        var events = journey.Through(Step.VesselDeparts).Select(e => e.EventCode == EventCode.CUSR
            ? Ev.Customs(EventCode.CUSR, Csqu, Shunde, "2020-11-30T00:40:00Z")
            : e);

        var due = Shipment.Refund(OneContainer, events, AfterVesselDeparture).Due;

        Assert.Equal([TaxRefundTriggerKind.REFUND_ELIGIBLE, TaxRefundTriggerKind.EXIT_CONFIRMED], due.Select(t => t.Kind));
        Assert.All(due, t => Assert.Equal(
            (T("2020-11-30T08:40:00+08:00"), T("2020-11-30T09:12:00+08:00"), T("2021-01-29T23:59:59+08:00")),
            (t.ReleasedAt, t.DepartedAt, t.Deadline)));
        Assert.Equal(T("2020-12-02T22:30:00+08:00"), due[1].ExitedAt);
    }

    [Fact]
    public void Once_issued_REFUND_ELIGIBLE_is_not_due_again()
    {
        var refund = AfterEligible(Journey.Through(Step.BargeArrives), AfterBargeDeparture + Duration.FromHours(2));
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
        Assert.Equal(Deadline, refund.Deadline);
    }

    [Fact]
    public void An_issued_trigger_stays_even_if_the_declaration_is_later_flagged_dangerous()
    {
        var booking = Bookings.OnePort(Bookings.Declaration with { DangerousGoods = true }, Csqu);
        var refund = Shipment.Refund(booking, Journey.Through(Step.BargeArrives), AfterBargeDeparture, [IssuedEligible]);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
    }

    [Fact]
    public void Once_REFUND_ELIGIBLE_is_issued_a_changed_policy_book_does_not_stop_the_outcome()
    {
        // The departure port was taken off the list after the trigger went out: the tax system must still learn the outcome.
        var record = Shipment.Record(OneContainer, Journey.Through(Step.DischargeAtNansha), [IssuedEligible]);
        var open = ShipmentProjection.Evaluate(record, new RefundPolicyBook([]), AfterBargeDeparture + Duration.FromHours(2)).Refund;
        Assert.Equal((TaxRefundStatus.TRIGGERED, Shunde, Nansha, Deadline), (open.Status, open.DeparturePort?.Value, open.ExitPort?.Value, open.Deadline));

        var late = ShipmentProjection.Evaluate(record, new RefundPolicyBook([]), GraceEnds).Refund;
        AssertRevoked(late, RefundRevocationReason.DEADLINE_PASSED);
    }

    [Fact]
    public void The_qualifying_leg_need_not_be_the_first()
    {
        var truck = new PlannedLeg(TransportMode.TRUCK, "YUE-E12345", L("CNFOS"), L(Shunde), null, null);
        var booking = Bookings.Make("GZ21-000127", Bookings.Declaration, [truck, Bookings.BargeLeg(), Bookings.VesselLeg()], Csqu);
        var refund = Shipment.Refund(booking, Journey.Through(Step.VesselDeparts), AfterVesselDeparture);
        Assert.Equal([TaxRefundTriggerKind.REFUND_ELIGIBLE, TaxRefundTriggerKind.EXIT_CONFIRMED], refund.Due.Select(t => t.Kind));
        Assert.Equal(Shunde, refund.DeparturePort?.Value);
    }

    // ---- EXIT_CONFIRMED ----

    [Fact]
    public void Every_container_loaded_on_the_onward_vessel_and_its_departure_from_Nansha_confirm_the_exit()
    {
        var refund = AfterEligible(Journey.Through(Step.VesselDeparts), AfterVesselDeparture);
        Assert.Equal(TaxRefundStatus.EXIT_CONFIRMED, refund.Status);
        var trigger = Assert.Single(refund.Due);
        Assert.Equal(TaxRefundTriggerKind.EXIT_CONFIRMED, trigger.Kind);
        Assert.Equal("GZ21-000123:EXIT_CONFIRMED", trigger.MessageId);
        Assert.Equal(Vessel, trigger.ConveyanceId);
        Assert.Equal(T("2020-12-02T22:30:00+08:00"), trigger.ExitedAt);
        Assert.Equal(IssuedEligible.DepartedAt, trigger.DepartedAt);
        Assert.Equal(IssuedEligible.ReleasedAt, trigger.ReleasedAt);
        Assert.Equal(Deadline, trigger.Deadline);
        Assert.Null(trigger.Reason);
        Assert.Equal(AfterVesselDeparture, trigger.IssuedAt);
    }

    [Fact]
    public void Loaded_but_not_yet_departed_is_still_TRIGGERED()
    {
        var refund = AfterEligible(Journey.Through(Step.LoadVessel), AfterVesselDeparture);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
    }

    [Fact]
    public void A_container_not_loaded_on_the_vessel_holds_the_confirmation_back()
    {
        var eligible = Eligible(TwoContainers, JourneyOfTwo);
        var events = JourneyOfTwo.Through(Step.VesselDeparts).Where(e => !(e.EventCode == EventCode.LOAD && e.ContainerNumber == C(Apzu) && e.ConveyanceId == Vessel));
        var refund = Shipment.Refund(TwoContainers, events, AfterVesselDeparture, [eligible]);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
    }

    [Fact]
    public void A_container_rolled_off_the_vessel_before_it_sails_does_not_confirm_the_exit()
    {
        // Loaded, then discharged back at Nansha (shut out / rolled to a later sailing): the vessel leaves without it.
        var events = Journey.Through(Step.VesselDeparts)
            .Append(Ev.Disc(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-02T20:00:00+08:00"));
        var refund = AfterEligible(events, AfterVesselDeparture);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
    }

    [Fact]
    public void A_container_rolled_and_loaded_again_before_the_vessel_sails_confirms_the_exit()
    {
        var events = Journey.Through(Step.VesselDeparts)
            .Append(Ev.Disc(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-02T18:00:00+08:00"))
            .Append(Ev.Load(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-02T20:00:00+08:00"));
        Assert.Equal(TaxRefundTriggerKind.EXIT_CONFIRMED, AfterEligible(events, AfterVesselDeparture).Due.Single().Kind);
    }

    [Fact]
    public void A_load_reported_after_the_vessel_departed_does_not_confirm_that_departure()
    {
        var events = Journey.Events(Step.Release).Concat(Journey.Events(Step.BargeDeparts)).Concat(Journey.Events(Step.VesselDeparts))
            .Append(Ev.Load(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-03T08:00:00+08:00"));
        var refund = AfterEligible(events, AfterVesselDeparture);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
    }

    [Fact]
    public void Counting_as_aboard_without_a_LOAD_does_not_confirm_the_exit()
    {
        var events = Journey.Through(Step.DischargeAtNansha).Concat(Journey.Events(Step.VesselDeparts));
        var refund = AfterEligible(events, AfterVesselDeparture);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
    }

    [Fact]
    public void Told_everything_at_once_both_triggers_are_due_in_order()
    {
        var refund = Shipment.Refund(OneContainer, Journey.All, I("2021-01-09T00:00:00Z"));
        Assert.Equal(TaxRefundStatus.EXIT_CONFIRMED, refund.Status);
        Assert.Equal([TaxRefundTriggerKind.REFUND_ELIGIBLE, TaxRefundTriggerKind.EXIT_CONFIRMED], refund.Due.Select(t => t.Kind));
    }

    [Fact]
    public void After_EXIT_CONFIRMED_is_issued_nothing_more_is_due()
    {
        var exit = AfterEligible(Journey.Through(Step.VesselDeparts), AfterVesselDeparture).Due.Single();
        var events = Journey.All
            .Append(Ev.Customs(EventCode.CUSX, Csqu, Rotterdam, "2021-01-09T10:00:00+01:00"))
            .Append(Ev.Equipment(EventCode.GTOT, Csqu, Nansha, "2020-12-10T10:00:00+08:00"));
        var refund = Shipment.Refund(OneContainer, events, I("2021-06-01T00:00:00Z"), [IssuedEligible, exit], cancelledAt: I("2021-05-01T00:00:00Z"));
        Assert.Equal(TaxRefundStatus.EXIT_CONFIRMED, refund.Status);
        Assert.Empty(refund.Due);
        Assert.Equal(Deadline, refund.Deadline);
    }

    [Fact]
    public void After_REFUND_REVOKED_is_issued_nothing_more_is_due()
    {
        var revoked = AfterEligible(Journey.Through(Step.DischargeAtNansha), AfterBargeDeparture, cancelledAt: AfterBargeDeparture).Due.Single();
        var refund = Shipment.Refund(OneContainer, Journey.All, I("2021-01-09T00:00:00Z"), [IssuedEligible, revoked], cancelledAt: AfterBargeDeparture);
        Assert.Equal(TaxRefundStatus.REVOKED, refund.Status);
        Assert.Empty(refund.Due);
    }

    // ---- REFUND_REVOKED ----

    [Fact]
    public void Past_the_deadline_and_the_grace_without_exit_the_refund_is_revoked()
    {
        var events = Journey.Through(Step.DischargeAtNansha);
        // The deadline is the whole of its last local day: it passes at 00:00:00 China time the day after, and the
        // grace runs from then.
        foreach (var inTime in new[] { Deadline.ToInstant(), Deadline.ToInstant() + Duration.FromMilliseconds(500), GraceEnds - Duration.Epsilon })
        {
            var open = AfterEligible(events, inTime);
            Assert.True(open.Status == TaxRefundStatus.TRIGGERED && open.Due.Count == 0, $"at {Format(inTime)}: {open.Status}");
            Assert.Equal(GraceEnds, open.RevocationDue);
        }

        var trigger = AssertRevoked(AfterEligible(events, GraceEnds), RefundRevocationReason.DEADLINE_PASSED);
        Assert.Equal(Barge, trigger.ConveyanceId);
        Assert.Equal(Deadline, trigger.Deadline);
        Assert.Equal(GraceEnds, trigger.IssuedAt);
    }

    [Theory]
    [InlineData("2021-01-30T00:00:00+08:00")] // midnight after the deadline: the next day has begun
    [InlineData("2021-01-29T16:00:00Z")]      // the same instant, reported in UTC
    [InlineData("2021-01-30T00:00:01+08:00")]
    public void A_vessel_departing_from_midnight_after_the_deadline_on_does_not_confirm_and_revokes_once_the_grace_is_over(string vesselDeparture)
    {
        var late = new OnePortJourney([Csqu], vesselDeparture: vesselDeparture);
        var waiting = AfterEligible(late.Through(Step.VesselDeparts), I("2021-01-30T10:00:00+08:00"));
        Assert.Equal(TaxRefundStatus.TRIGGERED, waiting.Status);
        Assert.Empty(waiting.Due);
        AssertRevoked(AfterEligible(late.Through(Step.VesselDeparts), GraceEnds), RefundRevocationReason.DEADLINE_PASSED);
    }

    [Theory]
    [InlineData("2021-01-29T23:59:59+08:00")]
    [InlineData("2021-01-29T23:59:59.5+08:00")] // within the deadline's second: the day has not ended
    [InlineData("2021-01-29T23:59:59.999999999+08:00")]
    [InlineData("2021-01-29T15:59:59.5Z")]
    public void A_vessel_departing_in_the_last_second_of_the_deadlines_day_confirms(string vesselDeparture)
    {
        var justInTime = new OnePortJourney([Csqu], vesselDeparture: vesselDeparture);
        var refund = AfterEligible(justInTime.Through(Step.VesselDeparts), I("2021-02-05T10:00:00+08:00"));
        var confirmed = Assert.Single(refund.Due);
        Assert.Equal(TaxRefundTriggerKind.EXIT_CONFIRMED, confirmed.Kind);
        Assert.Equal(T(vesselDeparture).ToInstant(), confirmed.ExitedAt?.ToInstant());
    }

    [Fact]
    public void An_exit_is_in_time_exactly_when_its_China_local_date_is_not_after_the_deadlines()
    {
        // Around the midnight that ends the deadline, to the nanosecond, reported in any offset; the oracle compares
        // calendar dates in China, not instants.
        var midnight = I("2021-01-30T00:00:00+08:00");
        var gen = Gen.Select(Gen.Long[-3_000_000_000L, 3_000_000_000L], Gen.Int[-12, 14]);
        gen.Sample((nanoseconds, offsetHours) =>
        {
            var exit = (midnight + Duration.FromNanoseconds(nanoseconds)).WithOffset(Offset.FromHours(offsetHours));
            var journey = new OnePortJourney([Csqu], vesselDeparture: Format(exit));
            var refund = AfterEligible(journey.Through(Step.VesselDeparts), I("2021-02-05T10:00:00+08:00"));

            var inTime = exit.ToInstant().InZone(RefundPolicyBook.ChinaZone).Date <= Deadline.Date;
            var expected = inTime ? TaxRefundTriggerKind.EXIT_CONFIRMED : TaxRefundTriggerKind.REFUND_REVOKED;
            Assert.True(Assert.Single(refund.Due).Kind == expected, $"exit at {Format(exit)}: {refund.Due.Single().Kind}");
        }, iter: 500);
    }

    [Fact]
    public void Cancellation_revokes_the_refund() =>
        AssertRevoked(AfterEligible(Journey.Through(Step.BargeArrives), AfterBargeDeparture, cancelledAt: AfterBargeDeparture), RefundRevocationReason.CANCELLED);

    [Fact]
    public void A_revoked_declaration_revokes_the_refund()
    {
        var events = Journey.Through(Step.DischargeAtNansha).Append(Ev.Customs(EventCode.CUSX, Csqu, Nansha, "2020-12-01T09:00:00+08:00"));
        AssertRevoked(AfterEligible(events, AfterBargeDeparture), RefundRevocationReason.DECLARATION_REVOKED);
    }

    [Fact]
    public void Gate_out_at_the_exit_port_means_not_exported()
    {
        var events = Journey.Through(Step.DischargeAtNansha).Append(Ev.Equipment(EventCode.GTOT, Csqu, Nansha, "2020-12-01T09:00:00+08:00"));
        AssertRevoked(AfterEligible(events, AfterBargeDeparture), RefundRevocationReason.NOT_EXPORTED);
    }

    [Fact]
    public void Loading_onto_another_vessel_at_the_exit_port_means_not_exported()
    {
        var events = Journey.Through(Step.DischargeAtNansha).Append(Ev.Load(Csqu, TransportMode.VESSEL, "MSCGULSUN-102E", Nansha, "2020-12-01T09:00:00+08:00"));
        AssertRevoked(AfterEligible(events, AfterBargeDeparture), RefundRevocationReason.NOT_EXPORTED);
    }

    [Fact]
    public void Gate_out_elsewhere_is_not_a_revocation()
    {
        var events = Journey.Through(Step.BargeDeparts).Append(Ev.Equipment(EventCode.GTOT, Csqu, Shunde, "2020-11-29T09:00:00+08:00"));
        var refund = AfterEligible(events, AfterBargeDeparture);
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Empty(refund.Due);
    }

    public static TheoryData<string?, string?, string?, RefundRevocationReason> Causes => new()
    {
        // cancelledAt, CUSX at, GTOT at Nansha at => the earliest cause
        { null, "2020-12-01T10:00:00+08:00", "2020-12-01T12:00:00+08:00", RefundRevocationReason.DECLARATION_REVOKED },
        { null, "2020-12-01T10:00:00+08:00", "2020-12-01T08:00:00+08:00", RefundRevocationReason.NOT_EXPORTED },
        { "2020-12-01T09:00:00+08:00", "2020-12-01T10:00:00+08:00", "2020-12-01T12:00:00+08:00", RefundRevocationReason.CANCELLED },
        { "2020-12-01T11:00:00+08:00", "2020-12-01T10:00:00+08:00", null, RefundRevocationReason.DECLARATION_REVOKED },
        { "2020-12-01T11:00:00+08:00", null, "2020-12-01T10:59:59+08:00", RefundRevocationReason.NOT_EXPORTED },
        { "2021-02-10T00:00:00+08:00", "2021-02-11T00:00:00+08:00", null, RefundRevocationReason.DEADLINE_PASSED },
    };

    [Theory]
    [MemberData(nameof(Causes))]
    public void The_earliest_cause_wins(string? cancelledAt, string? revokedAt, string? gateOutAt, RefundRevocationReason expected)
    {
        var events = Journey.Through(Step.DischargeAtNansha).ToList();
        if (revokedAt is not null)
        {
            events.Add(Ev.Customs(EventCode.CUSX, Csqu, Nansha, revokedAt));
        }

        if (gateOutAt is not null)
        {
            events.Add(Ev.Equipment(EventCode.GTOT, Csqu, Nansha, gateOutAt));
        }

        AssertRevoked(AfterEligible(events, I("2021-03-01T00:00:00Z"), cancelledAt is null ? null : I(cancelledAt)), expected);
    }

    [Fact]
    public void An_exit_before_the_cancellation_is_confirmed_and_a_cancellation_before_the_exit_revokes()
    {
        var events = Journey.Through(Step.VesselDeparts);
        Assert.Equal(TaxRefundTriggerKind.EXIT_CONFIRMED,
            AfterEligible(events, AfterVesselDeparture, cancelledAt: I("2020-12-02T22:30:01+08:00")).Due.Single().Kind);
        AssertRevoked(AfterEligible(events, AfterVesselDeparture, cancelledAt: I("2020-12-02T22:29:59+08:00")), RefundRevocationReason.CANCELLED);
    }

    [Fact]
    public void A_gate_out_at_Nansha_before_the_vessel_departs_revokes_even_when_the_vessel_later_leaves()
    {
        var events = Journey.Through(Step.VesselDeparts).Append(Ev.Equipment(EventCode.GTOT, Csqu, Nansha, "2020-12-01T09:00:00+08:00"));
        AssertRevoked(AfterEligible(events, AfterVesselDeparture), RefundRevocationReason.NOT_EXPORTED);
    }

    [Fact]
    public void Cancelled_or_revoked_before_eligibility_nothing_is_ever_due()
    {
        AssertNotApplicable(Shipment.Refund(OneContainer, Journey.All, AfterVesselDeparture, cancelledAt: I("2020-11-30T08:00:00+08:00")));
        var revokedFirst = Journey.Through(Step.BargeDeparts).Append(Ev.Customs(EventCode.CUSX, Csqu, Shunde, "2020-11-30T09:00:00+08:00"));
        AssertNotApplicable(Shipment.Refund(OneContainer, revokedFirst, AfterBargeDeparture));
    }

    // ---- The outbox loop: at most one trigger of each kind, whatever the order of news ----

    [Fact]
    public void Fed_events_one_by_one_in_any_order_each_kind_is_issued_at_most_once_and_eligible_comes_first()
    {
        TransitEvent[] extras =
        [
            Ev.Customs(EventCode.CUSX, Csqu, Nansha, "2020-12-01T09:00:00+08:00"),
            Ev.Equipment(EventCode.GTOT, Apzu, Nansha, "2020-12-02T09:00:00+08:00"),
            Ev.Load(Apzu, TransportMode.VESSEL, "MSCGULSUN-102E", Nansha, "2020-12-02T10:00:00+08:00"),
            Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T10:00:00+08:00", EventClassifier.EST),
        ];
        var gen =
            from history in Generators.Subset([.. JourneyOfTwo.All, .. extras])
            from arrival in Generators.Permutation(history)
            from gapsHours in Gen.Int[0, 400].Array[arrival.Count]
            from cancelAfter in Gen.Int[-1, arrival.Count]
            select (arrival, gapsHours, cancelAfter);
        gen.Sample((arrival, gapsHours, cancelAfter) =>
        {
            var issued = new List<TaxRefundTrigger>();
            var received = new List<TransitEvent>();
            var now = I("2020-11-30T00:00:00Z");
            Instant? cancelledAt = null;
            for (var i = 0; i < arrival.Count; i++)
            {
                // News never comes before the fact: the clock is at least the event's own time.
                now = Instant.Max(now + Duration.FromHours(gapsHours[i]), arrival[i].OccurredAt);
                received.Add(arrival[i]);
                if (i == cancelAfter)
                {
                    cancelledAt = now;
                }

                var refund = Shipment.Refund(TwoContainers, received, now, issued, cancelledAt);
                issued.AddRange(refund.Due);
                Assert.True(refund.Status != TaxRefundStatus.NOT_APPLICABLE || issued.Count == 0, "NOT_APPLICABLE after a trigger");
            }

            Assert.Equal(issued.Count, issued.Select(t => t.MessageId).Distinct().Count());
            if (issued.Count > 0)
            {
                Assert.Equal(TaxRefundTriggerKind.REFUND_ELIGIBLE, issued[0].Kind);
            }

            Assert.False(issued.Any(t => t.Kind == TaxRefundTriggerKind.EXIT_CONFIRMED) && issued.Any(t => t.Kind == TaxRefundTriggerKind.REFUND_REVOKED));
            Assert.All(issued.Skip(1), t => Assert.Equal(issued[0].Deadline, t.Deadline));
        }, iter: 300);
    }

    [Fact]
    public void The_assessment_does_not_depend_on_the_order_the_events_are_given_in()
    {
        var gen =
            from history in Generators.Subset([.. JourneyOfTwo.All, Ev.Customs(EventCode.CUSX, Apzu, Nansha, "2020-12-01T09:00:00+08:00")])
            from shuffled in Generators.Permutation(history)
            from nowDays in Gen.Int[0, 90]
            from issueEligible in Gen.Bool
            select (history, shuffled, now: I("2020-11-30T12:00:00+08:00") + Duration.FromDays(nowDays), issueEligible);
        gen.Sample((history, shuffled, now, issueEligible) =>
        {
            var issued = issueEligible ? new[] { Eligible(TwoContainers, JourneyOfTwo) } : [];
            var a = Shipment.Refund(TwoContainers, history, now, issued);
            var b = Shipment.Refund(TwoContainers, shuffled, now, issued);
            Assert.Equal((a.Status, a.Deadline, Shipment.Text(a.Due)), (b.Status, b.Deadline, Shipment.Text(b.Due)));
        }, iter: 300);
    }
}
