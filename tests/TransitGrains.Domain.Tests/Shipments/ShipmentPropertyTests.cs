using CsCheck;
using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Shipments;

/// <summary>
/// Order and duplicates do not matter: partners report out of order and retry, and the view must not care.
/// </summary>
public class ShipmentPropertyTests
{
    private static readonly Instant Now = I("2020-12-10T12:00:00+08:00");

    private static readonly ShipmentBooking TwoContainers = Bookings.OnePort(Csqu, Apzu);

    /// <summary>
    /// The full journey of two containers, with estimates, a plan change, a hold, a gate-out and the events of a
    /// container that is not booked: a rich history whose subsets cover every intermediate state.
    /// </summary>
    private static readonly IReadOnlyList<TransitEvent> RichHistory =
    [
        .. OnePortJourney.Of(Csqu, Apzu).All,
        Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T10:00:00+08:00", EventClassifier.EST),
        Ev.Arri(TransportMode.VESSEL, Vessel, Rotterdam, "2021-01-09T08:00:00+01:00", EventClassifier.EST),
        Ev.Arri(TransportMode.VESSEL, Vessel, Rotterdam, "2021-01-10T08:00:00+01:00", EventClassifier.EST),
        Ev.Depa(TransportMode.VESSEL, Vessel, Nansha, "2020-12-03T06:00:00+08:00", EventClassifier.PLN),
        Ev.Customs(EventCode.CUSH, Apzu, Shunde, "2020-11-30T08:30:00+08:00"),
        Ev.Equipment(EventCode.GTIN, Csqu, Shunde, "2020-11-30T07:10:00+08:00"),
        Ev.Equipment(EventCode.GTOT, Apzu, Rotterdam, "2021-01-09T10:00:00+01:00"),
        Ev.Load(Zepu, TransportMode.BARGE, Barge, Shunde, "2020-11-30T08:56:00+08:00"),
        Ev.Depa(TransportMode.BARGE, "SUIGANG905-2012B", Shunde, "2020-11-30T09:12:00+08:00"),
    ];

    /// <summary>Everything a client could see, including the triggers the evaluation made due.</summary>
    private static string Everything(ShipmentBooking booking, IEnumerable<TransitEvent> events)
    {
        var record = Shipment.Record(booking, events);
        var evaluation = Shipment.Evaluate(record, Now);
        return Shipment.Text(ShipmentProjection.View(record, evaluation, includeTimeline: true))
            + $"refund {evaluation.Refund.Status}\n" + Shipment.Text(evaluation.Refund.Due);
    }

    /// <summary>A random subset of the rich history, re-stamped (distinct / all-equal / batched receivedAt).</summary>
    private static readonly Gen<List<TransitEvent>> RichSubsets =
        Generators.Subset(RichHistory).SelectMany(Generators.Received);

    [Fact]
    public void Any_permutation_of_a_shipments_events_gives_the_same_view() =>
        RichSubsets.SelectMany(events => Generators.Permutation(events).Select(shuffled => (events, shuffled)))
            .Sample((events, shuffled) =>
                Assert.Equal(Everything(TwoContainers, events), Everything(TwoContainers, shuffled)),
                iter: 300);

    [Fact]
    public void Any_permutation_of_arbitrary_events_gives_the_same_view() =>
        Generators.ArbitraryEvents().SelectMany(events => Generators.Permutation(events).Select(shuffled => (events, shuffled)))
            .Sample((events, shuffled) =>
                Assert.Equal(Everything(TwoContainers, events), Everything(TwoContainers, shuffled)),
                iter: 500);

    [Fact]
    public void Any_permutation_of_rail_events_gives_the_same_view()
    {
        TransitEvent[] rail =
        [
            Ev.Load(Csqu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:00:00+08:00"),
            Ev.Depa(TransportMode.RAIL, Train, Dalang, "2021-01-15T10:20:00+08:00"),
            Ev.Cros(TransportMode.RAIL, Train, Manzhouli, "2021-01-20T14:00:00+08:00"),
            Ev.Disc(Csqu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T09:00:00+08:00"),
            Ev.Load(Csqu, TransportMode.RAIL, BroadGaugeTrain, Manzhouli, "2021-01-21T15:00:00+08:00"),
            Ev.Depa(TransportMode.RAIL, BroadGaugeTrain, Manzhouli, "2021-01-21T20:00:00+08:00"),
            Ev.Arri(TransportMode.RAIL, BroadGaugeTrain, Moscow, "2021-01-30T11:00:00+03:00", EventClassifier.EST),
            Ev.Arri(TransportMode.RAIL, BroadGaugeTrain, Moscow, "2021-01-30T11:30:00+03:00"),
        ];
        var booking = Bookings.Rail();
        Generators.Subset(rail).SelectMany(Generators.Received)
            .SelectMany(events => Generators.Permutation(events).Select(shuffled => (events, shuffled)))
            .Sample((events, shuffled) => Assert.Equal(Everything(booking, events), Everything(booking, shuffled)), iter: 200);
    }

    [Fact]
    public void Exact_duplicates_in_any_order_change_nothing()
    {
        var gen =
            from events in Gen.OneOf(RichSubsets, Generators.ArbitraryEvents())
            from copies in Gen.Int[0, 3].Array[events.Count]
            let withCopies = events.SelectMany((e, i) => Enumerable.Repeat(e, 1 + copies[i])).ToList()
            from shuffled in Generators.Permutation(withCopies)
            select (events, shuffled);
        gen.Sample((events, shuffled) =>
            Assert.Equal(Everything(TwoContainers, events), Everything(TwoContainers, shuffled)), iter: 300);
    }

    [Fact]
    public void A_repeated_event_id_appears_once_in_the_timeline_whatever_else_it_says()
    {
        // The fold keeps the first of equal ids in input order (the grain stores the first and answers DUPLICATE to
        // the rest), so here only the timeline's uniqueness is order-independent, not which content wins.
        var gen =
            from events in Generators.ArbitraryEvents().Where(e => e.Count > 0)
            from picks in Gen.Int[0, events.Count - 1].Array[1, 5]
            from shift in Gen.Int[1, 200]
            let impostors = picks.Select(i => events[i] with
            {
                EventDateTime = events[i].EventDateTime.Plus(Duration.FromHours(shift)),
                Location = L(Moscow),
                ReceivedAt = events[i].ReceivedAt + Duration.FromMinutes(shift),
            })
            from shuffled in Generators.Permutation([.. events, .. impostors])
            select (events, shuffled);
        gen.Sample((events, shuffled) =>
        {
            var timeline = Shipment.View(TwoContainers, shuffled, Now).Timeline!;
            Assert.Equal(events.Select(e => e.EventId).Order(StringComparer.Ordinal), timeline.Select(t => t.EventId).Order(StringComparer.Ordinal));
        }, iter: 300);
    }

    [Fact]
    public void The_first_copy_of_a_repeated_id_is_the_one_kept()
    {
        var original = Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:12:00+08:00");
        var impostor = original with { EventDateTime = T("2020-11-30T15:00:00+08:00") };
        var view = Shipment.View(TwoContainers, [original, impostor], Now);
        Assert.Equal(T("2020-11-30T09:12:00+08:00"), view.Legs[0].ActualDeparture);
        Assert.Single(view.Timeline!);
    }

    [Fact]
    public void Timeline_is_always_ordered_by_eventDateTime_then_receivedAt() =>
        Gen.OneOf(RichSubsets, Generators.ArbitraryEvents()).Shuffled().Sample(events =>
        {
            var timeline = Shipment.View(TwoContainers, events, Now).Timeline!;
            Assert.Equal(events.Count, timeline.Count);
            for (var i = 1; i < timeline.Count; i++)
            {
                var (a, b) = (timeline[i - 1], timeline[i]);
                var order = a.EventDateTime.ToInstant().CompareTo(b.EventDateTime.ToInstant());
                Assert.True(order < 0 || (order == 0 && a.ReceivedAt <= b.ReceivedAt), $"{a.EventId} before {b.EventId}");
            }
        }, iter: 300);

    [Fact]
    public void A_container_the_shipment_shows_aboard_a_conveyance_is_in_that_conveyances_aboard_list() =>
        Gen.OneOf(RichSubsets, Generators.ArbitraryEvents(40)).Sample(events =>
        {
            var view = Shipment.View(TwoContainers, events, Now);
            foreach (var container in view.Containers.Where(c => c.Status == ContainerStatus.ON_CONVEYANCE))
            {
                var key = new ConveyanceKey(container.ModeOfTransport!.Value, container.ConveyanceId!);
                var booked = TwoContainers.Legs.Where(l => l.Conveyance == key)
                    .Select(l => new Domain.Conveyances.BookedLeg(TwoContainers.ShipmentId, l.From, TwoContainers.Containers));
                var conveyance = Domain.Conveyances.ConveyanceFold.View(
                    key,
                    events.Where(e => e.EventType == EventType.TRANSPORT && e.Conveyance == key),
                    RecordedMoves.Of(events.Where(e => EventVocabulary.MovesContainer(e.EventCode) && e.Conveyance == key)),
                    booked);
                Assert.Contains(container.ContainerNumber, conveyance.Aboard);
            }
        }, iter: 500);

    [Fact]
    public void Leg_statuses_never_go_backwards_as_more_of_the_journey_is_known()
    {
        // Folding a prefix (in time) of the journey never shows a leg further along than folding more of it.
        Generators.Received(RichHistory).Sample(events =>
        {
            var ordered = events.Order(TransitEvent.FoldOrder).ToList();
            var previous = new[] { LegStatus.PLANNED, LegStatus.PLANNED };
            for (var n = 0; n <= ordered.Count; n++)
            {
                var legs = ShipmentFold.Fold(TwoContainers, ordered.Take(n)).Legs.Select(l => l.Status).ToArray();
                Assert.True(legs[0] >= previous[0] && legs[1] >= previous[1], $"after {n} events: {string.Join(",", legs)} < {string.Join(",", previous)}");
                previous = legs;
            }
        }, iter: 100);
    }
}
