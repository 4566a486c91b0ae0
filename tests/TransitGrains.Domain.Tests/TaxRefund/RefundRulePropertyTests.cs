using CsCheck;
using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.TaxRefund;

/// <summary>
/// The refund rules of api.md's 1.1 additions: a late exit report within the grace, every container aboard at the
/// departure, and a release that counts only while no later hold stands. Each as properties over generated histories.
/// </summary>
public class RefundRulePropertyTests
{
    private static readonly OffsetDateTime Deadline = T("2021-01-29T23:59:59+08:00");
    private const string BargeDeparture = "2020-11-30T09:12:00+08:00";
    private const string OtherBarge = "SUIGANG905-2012B";

    private static readonly ShipmentBooking OneContainer = Bookings.OnePort(Csqu);
    private static readonly ShipmentBooking TwoContainers = Bookings.OnePort(Csqu, Apzu);
    private static readonly OnePortJourney Journey = OnePortJourney.Of(Csqu);
    private static readonly OnePortJourney JourneyOfTwo = OnePortJourney.Of(Csqu, Apzu);

    private static readonly TaxRefundTrigger Eligible =
        Assert.Single(Shipment.Refund(OneContainer, Journey.Through(Step.BargeDeparts), I("2020-12-01T10:00:00+08:00")).Due);

    private static RefundAssessment Assess(
        ShipmentBooking booking, IEnumerable<TransitEvent> events, Instant now, RefundPolicyBook book, IEnumerable<TaxRefundTrigger>? issued = null) =>
        ShipmentProjection.Evaluate(Shipment.Record(booking, events, issued), book, now).Refund;

    private static RefundPolicyBook WithGrace(Duration grace) => new([Policies.Waterway2020], grace);

    /// <summary>REFUND_ELIGIBLE issued before the deadline, or at any time up to three years after it (a replay).</summary>
    private static readonly Gen<Instant> IssuedAt = Gen.Frequency(
        (1, Gen.Const(Eligible.IssuedAt)),
        (3, Gen.Long[0, 3L * 365 * 86_400].Select(s => Deadline.ToInstant() + Duration.FromSeconds(s))));

    private static readonly Gen<Duration> Grace = Gen.Frequency(
        (1, Gen.Const(RefundPolicyBook.DefaultExitReportGrace)),
        (3, Gen.Long[10, 10L * 86_400].Select(Duration.FromSeconds)));

    // ---- The grace for a late exit report ----

    [Fact]
    public void The_revocation_is_due_at_the_later_of_the_deadlines_day_ending_and_the_issue_plus_the_grace() =>
        Gen.Select(IssuedAt, Grace).Sample((issuedAt, grace) =>
        {
            var book = WithGrace(grace);
            var eligible = Eligible with { IssuedAt = issuedAt };
            var due = Instant.Max(RefundPolicyBook.DeadlinePassesAt(Deadline), issuedAt) + grace;
            Assert.Equal(due, book.RevocationDue(eligible));

            var open = Assess(OneContainer, Journey.Through(Step.DischargeAtNansha), due - Duration.Epsilon, book, [eligible]);
            Assert.Equal((TaxRefundStatus.TRIGGERED, due), (open.Status, open.RevocationDue));
            Assert.Empty(open.Due);
            Assert.Equal(Deadline, open.Deadline); // the deadline itself does not move
        }, iter: 200);

    [Fact]
    public void Without_an_exit_DEADLINE_PASSED_comes_when_the_grace_ends_and_not_before() =>
        Gen.Select(IssuedAt, Grace, Gen.Int[-3, 3]).Sample((issuedAt, grace, seconds) =>
        {
            var eligible = Eligible with { IssuedAt = issuedAt };
            var now = Instant.Max(RefundPolicyBook.DeadlinePassesAt(Deadline), issuedAt) + grace + Duration.FromSeconds(seconds);
            var refund = Assess(OneContainer, Journey.Through(Step.DischargeAtNansha), now, WithGrace(grace), [eligible]);
            if (seconds < 0)
            {
                Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
                Assert.Empty(refund.Due);
            }
            else
            {
                var revoked = Assert.Single(refund.Due);
                Assert.Equal((TaxRefundStatus.REVOKED, TaxRefundTriggerKind.REFUND_REVOKED, RefundRevocationReason.DEADLINE_PASSED),
                    (refund.Status, revoked.Kind, revoked.Reason));
                Assert.Equal((Deadline, now), (revoked.Deadline, revoked.IssuedAt));
                Assert.Null(refund.RevocationDue);
            }
        }, iter: 300);

    /// <summary>
    /// The vessel leaves <c>departedBy</c> seconds after the deadline's last second; the last news of that exit (the
    /// departure or a container's LOAD) comes in <c>reportedBy</c> seconds after the end of the grace. Assessed as it
    /// arrives, and again a day later (a wake-up, a restart): confirmed exactly when it left within the deadline's day
    /// and was reported before the grace ended.
    /// </summary>
    [Fact]
    public void An_exit_on_or_before_the_deadline_reported_before_the_end_of_the_grace_confirms_to_the_second() =>
        Gen.Select(IssuedAt, Grace, Gen.Int[-2, 2], Gen.Int[-2, 2], Gen.Bool).Sample((issuedAt, grace, departedBy, reportedBy, loadLast) =>
        {
            var eligible = Eligible with { IssuedAt = issuedAt };
            var book = WithGrace(grace);
            var end = book.RevocationDue(eligible);
            var reported = end + Duration.FromSeconds(reportedBy);
            var departure = Data.Format(Deadline.Plus(Duration.FromSeconds(departedBy)));
            var journey = new OnePortJourney([Csqu], vesselDeparture: departure);
            var load = Assert.Single(journey.Events(Step.LoadVessel));
            var vesselDeparts = Assert.Single(journey.Events(Step.VesselDeparts));
            TransitEvent[] exit = loadLast
                ? [load.Received(reported), vesselDeparts.Received(reported - Duration.FromHours(1))]
                : [load.Received(reported - Duration.FromHours(1)), vesselDeparts.Received(reported)];
            var events = journey.Through(Step.DischargeAtNansha).Concat(exit).ToList();
            var inTime = departedBy <= 0 && reportedBy < 0;

            var onArrival = Assess(OneContainer, events, reported, book, [eligible]);
            var expected = inTime ? TaxRefundStatus.EXIT_CONFIRMED : reportedBy >= 0 ? TaxRefundStatus.REVOKED : TaxRefundStatus.TRIGGERED;
            Assert.Equal(expected, onArrival.Status);

            var later = Assess(OneContainer, events, reported + Duration.FromDays(1), book, [eligible]);
            var outcome = Assert.Single(later.Due);
            if (inTime)
            {
                Assert.Equal((TaxRefundTriggerKind.EXIT_CONFIRMED, T(departure).ToInstant()), (outcome.Kind, outcome.ExitedAt?.ToInstant()));
            }
            else
            {
                Assert.Equal((TaxRefundTriggerKind.REFUND_REVOKED, RefundRevocationReason.DEADLINE_PASSED), (outcome.Kind, outcome.Reason));
            }
        }, iter: 400);

    /// <summary>
    /// Last year's barge and vessel replayed today, one event per report in any order and at any pace within the
    /// grace: REFUND_ELIGIBLE, then EXIT_CONFIRMED, always the same. A hold reported after the barge left changes nothing.
    /// </summary>
    [Fact]
    public void A_replay_confirms_the_exit_whatever_the_order_its_events_arrive_in()
    {
        TransitEvent[] noise =
        [
            Ev.Customs(EventCode.CUSH, Apzu, Nansha, "2020-11-30T20:00:00+08:00"),
            Ev.Arri(TransportMode.VESSEL, Vessel, Rotterdam, "2021-01-09T08:00:00+01:00", EventClassifier.EST),
        ];
        var replayStart = I("2026-11-01T00:00:00Z");
        var gen =
            from arrival in Generators.Permutation([.. JourneyOfTwo.All, .. noise])
            from gapsSeconds in Gen.Int[0, 3_600].Array[arrival.Count]
            select (arrival, gapsSeconds);
        gen.Sample((arrival, gapsSeconds) =>
        {
            var book = WithGrace(RefundPolicyBook.DefaultExitReportGrace);
            var issued = new List<TaxRefundTrigger>();
            var received = new List<TransitEvent>();
            var now = replayStart;
            for (var i = 0; i < arrival.Count; i++)
            {
                now += Duration.FromSeconds(gapsSeconds[i]);
                received.Add(arrival[i].Received(now));
                issued.AddRange(Assess(TwoContainers, received, now, book, issued).Due);
            }

            Assert.Equal([TaxRefundTriggerKind.REFUND_ELIGIBLE, TaxRefundTriggerKind.EXIT_CONFIRMED], issued.Select(t => t.Kind));
            Assert.All(issued, t => Assert.Equal(Deadline, t.Deadline));
            Assert.Equal((T(BargeDeparture), T("2020-12-02T22:30:00+08:00")), (issued[1].DepartedAt, issued[1].ExitedAt));
        }, iter: 200);
    }

    // ---- Every container aboard the departing barge ----

    private enum Move
    {
        LoadOnBarge,
        DischargeFromBarge,
        LoadOnOtherBarge,
    }

    /// <summary>Up to four things happening to one container, each at a distinct minute from the barge's departure.</summary>
    private static Gen<List<(T What, int Minute)>> AtDistinctMinutes<T>(int from, int to)
        where T : struct, Enum =>
        Gen.Select(Gen.Enum<T>(), Gen.Int[from, to]).List[0, 4].Select(things => things.DistinctBy(t => t.Item2).ToList());

    private static string MinutesFromDeparture(int minute) => Data.Format(T(BargeDeparture).Plus(Duration.FromMinutes(minute)));

    /// <summary>
    /// Both containers' generated histories with the journey's <paramref name="steps"/>, received in any of the ways
    /// partners report (one by one, all at once, in batches) and given in any order.
    /// </summary>
    private static Gen<(List<(T What, int Minute)> Csqu, List<(T What, int Minute)> Apzu, List<TransitEvent> Events)> TwoHistories<T>(
        Gen<List<(T What, int Minute)>> history, Func<string, T, int, TransitEvent> toEvent, params Step[] steps) =>
        from csqu in history
        from apzu in history
        from receipts in Generators.Received(
            [.. steps.SelectMany(JourneyOfTwo.Events), .. csqu.Select(x => toEvent(Csqu, x.What, x.Minute)), .. apzu.Select(x => toEvent(Apzu, x.What, x.Minute))])
        from shuffled in Generators.Permutation(receipts)
        select (csqu, apzu, shuffled);

    private static RefundAssessment TheDayAfter(List<TransitEvent> events) =>
        Assess(TwoContainers, events, I("2020-12-01T10:00:00+08:00"), Policies.Book);

    /// <summary>Moves at Shunde from two hours before the barge leaves to one after.</summary>
    private static readonly Gen<List<(Move What, int Minute)>> Moves = AtDistinctMinutes<Move>(-120, 60);

    private static TransitEvent MoveEvent(string container, Move move, int minute)
    {
        var at = MinutesFromDeparture(minute);
        return move switch
        {
            Move.LoadOnBarge => Ev.Load(container, TransportMode.BARGE, Barge, Shunde, at),
            Move.DischargeFromBarge => Ev.Disc(container, TransportMode.BARGE, Barge, Shunde, at),
            _ => Ev.Load(container, TransportMode.BARGE, OtherBarge, Shunde, at),
        };
    }

    /// <summary>The rule as api.md words it: the latest LOAD before the departure is onto that barge, with no DISC since.</summary>
    private static bool AboardAtDeparture(List<(Move What, int Minute)> moves)
    {
        var before = moves.Where(m => m.Minute <= 0).OrderBy(m => m.Minute).ToList();
        var loads = before.Where(m => m.What != Move.DischargeFromBarge).ToList();
        return loads.Count > 0 && loads[^1].What == Move.LoadOnBarge
            && !before.Any(m => m.What == Move.DischargeFromBarge && m.Minute > loads[^1].Minute);
    }

    [Fact]
    public void REFUND_ELIGIBLE_needs_every_container_aboard_the_barge_when_it_departs() =>
        TwoHistories(Moves, MoveEvent, Step.Release, Step.BargeDeparts).Sample((csqu, apzu, events) =>
        {
            var refund = TheDayAfter(events);
            var aboard = AboardAtDeparture(csqu) && AboardAtDeparture(apzu);
            Assert.Equal(aboard ? TaxRefundStatus.TRIGGERED : TaxRefundStatus.PENDING, refund.Status);
            Assert.Equal(aboard ? [TaxRefundTriggerKind.REFUND_ELIGIBLE] : [], refund.Due.Select(t => t.Kind));
        }, iter: 500);

    [Fact]
    public void A_container_discharged_again_before_the_barge_leaves_is_not_aboard_until_loaded_again()
    {
        var shutOut = JourneyOfTwo.Through(Step.BargeDeparts)
            .Append(Ev.Disc(Apzu, TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:00:00+08:00"))
            .ToList();
        Assert.Equal(TaxRefundStatus.PENDING, Shipment.Refund(TwoContainers, shutOut, I("2020-12-01T10:00:00+08:00")).Status);

        var reloaded = shutOut.Append(Ev.Load(Apzu, TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:05:00+08:00"));
        Assert.Equal(TaxRefundStatus.TRIGGERED, Shipment.Refund(TwoContainers, reloaded, I("2020-12-01T10:00:00+08:00")).Status);
    }

    [Fact]
    public void A_container_counted_aboard_without_a_LOAD_does_not_make_the_refund_due()
    {
        // The fold puts a container booked on the leg aboard once the barge leaves; the refund needs its LOAD reported.
        var events = Journey.Events(Step.Release).Concat(Journey.Events(Step.BargeDeparts)).ToList();
        var view = Shipment.View(OneContainer, events, I("2020-12-01T10:00:00+08:00"));
        Assert.Equal(ContainerStatus.ON_CONVEYANCE, view.Container(Csqu).Status);
        Assert.Equal(TaxRefundStatus.PENDING, view.TaxRefund.Status);
    }

    // ---- A release counts only while no later hold or inspection stands ----

    private enum Decision
    {
        ReleaseHere,
        ReleaseElsewhere,
        Hold,
        Inspect,
    }

    /// <summary>Customs decisions from three hours before the departure to two after.</summary>
    private static readonly Gen<List<(Decision What, int Minute)>> Decisions = AtDistinctMinutes<Decision>(-180, 120);

    private static TransitEvent DecisionEvent(string container, Decision decision, int minute)
    {
        var at = MinutesFromDeparture(minute);
        return decision switch
        {
            Decision.ReleaseHere => Ev.Customs(EventCode.CUSR, container, Shunde, at),
            Decision.ReleaseElsewhere => Ev.Customs(EventCode.CUSR, container, Nansha, at),
            Decision.Hold => Ev.Customs(EventCode.CUSH, container, Shunde, at),
            _ => Ev.Customs(EventCode.CUSI, container, Shunde, at),
        };
    }

    /// <summary>
    /// The rule as api.md words it, judged at the barge's departure: the latest release at the departure port, with no
    /// hold or inspection after it (up to the departure); a release after the departure stands, as nothing came after it.
    /// </summary>
    private static int? StandingRelease(List<(Decision What, int Minute)> decisions)
    {
        var release = decisions.Where(d => d.What == Decision.ReleaseHere).Select(d => (int?)d.Minute).Max();
        return release is { } r && !decisions.Any(d => d.What is Decision.Hold or Decision.Inspect && d.Minute > r && d.Minute <= 0)
            ? r
            : null;
    }

    [Fact]
    public void A_release_counts_only_while_no_later_hold_or_inspection_stands() =>
        TwoHistories(Decisions, DecisionEvent, Step.LoadBarge, Step.BargeDeparts).Sample((csqu, apzu, events) =>
        {
            var refund = TheDayAfter(events);
            var releases = new[] { StandingRelease(csqu), StandingRelease(apzu) };
            if (releases.All(r => r is not null))
            {
                var eligible = Assert.Single(refund.Due);
                Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
                Assert.Equal(T(BargeDeparture).Plus(Duration.FromMinutes(releases.Max()!.Value)), eligible.ReleasedAt);
            }
            else
            {
                Assert.Equal(TaxRefundStatus.PENDING, refund.Status);
                Assert.Empty(refund.Due);
            }
        }, iter: 500);

    [Fact]
    public void A_hold_after_the_release_keeps_the_refund_PENDING_until_a_later_release()
    {
        var events = Journey.Through(Step.BargeDeparts).Append(Ev.Customs(EventCode.CUSH, Csqu, Shunde, "2020-11-30T08:50:00+08:00")).ToList();
        var held = Shipment.View(OneContainer, events, I("2020-12-01T10:00:00+08:00"));
        Assert.Equal((CustomsStatus.HELD, TaxRefundStatus.PENDING), (held.Customs.Status, held.TaxRefund.Status));

        var releasedAgain = events.Append(Ev.Customs(EventCode.CUSR, Csqu, Shunde, "2020-11-30T09:30:00+08:00")).ToList();
        var refund = Shipment.Refund(OneContainer, releasedAgain, I("2020-12-01T10:00:00+08:00"));
        Assert.Equal(T("2020-11-30T09:30:00+08:00"), Assert.Single(refund.Due).ReleasedAt);
    }

    [Fact]
    public void A_hold_after_the_barge_left_does_not_take_back_the_release_it_left_with()
    {
        var events = Journey.Through(Step.BargeDeparts).Append(Ev.Customs(EventCode.CUSI, Csqu, Shunde, "2020-11-30T09:20:00+08:00"));
        Assert.Equal(TaxRefundTriggerKind.REFUND_ELIGIBLE, Assert.Single(Shipment.Refund(OneContainer, events, I("2020-12-01T10:00:00+08:00")).Due).Kind);
    }
}
