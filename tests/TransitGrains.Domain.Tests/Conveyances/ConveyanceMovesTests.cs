using CsCheck;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Conveyances;

public class ConveyanceMovesTests
{
    /// <summary>LOAD/DISC (any classifier) of a few containers, with equal times and receipts common.</summary>
    private static readonly Gen<List<TransitEvent>> Moves =
        Generators.ArbitraryEvents(40).Select(events => events.Where(e => EventVocabulary.MovesContainer(e.EventCode)).ToList());

    /// <summary>What keeping every move gave: each container's latest actual move in fold order decides.</summary>
    private static List<string> LoadedByFoldingEveryMove(IEnumerable<TransitEvent> moves) =>
        moves.Where(e => e.IsActual)
            .Order(TransitEvent.FoldOrder)
            .GroupBy(e => e.ContainerNumber!.Value)
            .Where(g => g.Last().EventCode == EventCode.LOAD)
            .Select(g => g.Key.Value)
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> Loaded(ConveyanceMoves moves) =>
        moves.Loaded.Select(c => c.Value).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Any_order_of_the_same_moves_with_repeats_keeps_what_folding_every_move_gives() =>
        Moves.SelectMany(moves =>
                from repeats in Generators.Subset(moves)
                from order in Generators.Permutation(moves.Concat(repeats).ToList())
                select (moves, order))
            .Sample((moves, order) =>
            {
                var recorded = RecordedMoves.Of(order);
                Assert.Equal(LoadedByFoldingEveryMove(moves), Loaded(recorded));
                Assert.Equal(moves.Count == 0, recorded.IsEmpty);
                foreach (var container in new[] { Csqu, Apzu, Zepu }.Select(C))
                {
                    Assert.Equal(moves.Any(m => m.IsActual && m.ContainerNumber == container), recorded.HasMoved(container));
                }
            }, iter: 500);

    [Fact]
    public void Recording_a_move_again_changes_nothing() =>
        Moves.Where(moves => moves.Count > 0).SelectMany(moves => Generators.Permutation(moves).Select(order => (moves, order)))
            .Sample((moves, order) =>
            {
                var recorded = RecordedMoves.Of(moves);
                var before = Loaded(recorded);
                Assert.All(order, move => Assert.False(recorded.Record(move)));
                Assert.Equal(before, Loaded(recorded));
            }, iter: 300);

    [Fact]
    public void A_move_reported_after_a_later_one_changes_nothing()
    {
        var load = Ev.Load(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-01T08:00:00+08:00");
        var disc = Ev.Disc(Csqu, TransportMode.VESSEL, Vessel, Rotterdam, "2021-01-08T14:00:00+01:00");
        var recorded = RecordedMoves.Of([disc]);
        Assert.False(recorded.Record(load));
        Assert.Empty(recorded.Loaded);
        Assert.True(recorded.HasMoved(C(Csqu)));
    }

    [Fact]
    public void Moves_at_the_same_time_received_together_are_ordered_by_event_id()
    {
        var load = Ev.Load(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-01T08:00:00+08:00") with { EventId = "B" };
        var disc = Ev.Disc(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-01T08:00:00+08:00").Received(load.ReceivedAt) with { EventId = "A" };
        Assert.Equal([Csqu], Loaded(RecordedMoves.Of([load, disc])));
        Assert.Equal([Csqu], Loaded(RecordedMoves.Of([disc, load])));
    }

    [Fact]
    public void Estimated_moves_make_the_conveyance_known_but_board_no_one()
    {
        var recorded = new ConveyanceMoves();
        Assert.True(recorded.IsEmpty);
        var estimated = Ev.Load(Csqu, TransportMode.VESSEL, Vessel, Nansha, "2020-12-01T08:00:00+08:00") with { Classifier = EventClassifier.EST };
        Assert.True(recorded.Record(estimated));
        Assert.False(recorded.Record(estimated with { EventId = "another", Classifier = EventClassifier.PLN }));
        Assert.False(recorded.IsEmpty);
        Assert.Empty(recorded.Loaded);
        Assert.False(recorded.HasMoved(C(Csqu)));
    }
}
