using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Grains;

/// <summary>A conveyance folded from its journal stream up to <see cref="Position"/>; also its snapshot.</summary>
[GenerateSerializer]
public sealed class ConveyanceState
{
    [Id(0)] public List<TransitEvent> Transport { get; set; } = [];

    /// <summary>Each container's latest LOAD/DISC here: all that decides who is aboard, so the state stays one entry per container.</summary>
    [Id(1)] public ConveyanceMoves Moves { get; set; } = new();

    [Id(2)] public List<BookedLeg> Legs { get; set; } = [];

    /// <summary>The journal position this state is folded up to.</summary>
    [Id(3)] public long Position { get; set; }

    public bool IsEmpty => Transport.Count == 0 && Moves.IsEmpty && Legs.Count == 0;

    public void Apply(JournalEntry entry)
    {
        switch (entry)
        {
            case { Event: { EventType: EventType.TRANSPORT } e } when Transport.All(t => t.EventId != e.EventId):
                Transport.Add(e);
                break;
            case { Event: { } move }:
                Moves.Record(move);
                break;
            case { Record: LegBooked booked }:
                Legs.RemoveAll(l => l.ShipmentId == booked.Leg.ShipmentId && l.From == booked.Leg.From);
                Legs.Add(booked.Leg);
                break;
            case { Record: LegsCancelled cancelled }:
                Legs.RemoveAll(l => l.ShipmentId == cancelled.ShipmentId);
                break;
        }
    }
}

/// <summary>
/// A train, barge, vessel or truck, read from its journal stream: its transport events, the LOAD/DISC of its containers
/// and the legs booked on it. Nothing on the write path calls it: every read folds in what the journal has journaled
/// since, so it shows exactly what is stored. A snapshot is written once its stream has grown by many entries.
/// </summary>
public sealed class ConveyanceGrain(
    [PersistentState("conveyance", StorageNames.Transit)] IPersistentState<ConveyanceState> state,
    IJournal journal,
    IShipmentIndex shipments,
    SnapshotOptions snapshots) : Grain, IConveyanceGrain
{
    private int _sinceSnapshot;

    private ConveyanceKey Key => ConveyanceKey.Parse(this.GetPrimaryKeyString());

    public async Task<ConveyanceView?> GetView(string? forwarder)
    {
        var tail = await journal.ReadAsync(JournalStreams.Conveyance(Key), state.State.Position);
        foreach (var entry in tail.Entries)
        {
            state.State.Apply(entry);
        }

        state.State.Position = tail.Head;
        _sinceSnapshot += tail.Entries.Count;
        if (_sinceSnapshot >= snapshots.ConveyanceSnapshotEvery)
        {
            await state.WriteStateAsync();
            _sinceSnapshot = 0;
        }

        if (state.State.IsEmpty)
        {
            return null;
        }

        var view = ConveyanceFold.View(Key, state.State.Transport, state.State.Moves, state.State.Legs);
        if (forwarder is null)
        {
            return view;
        }

        var own = await shipments.BookedByAsync(forwarder, view.Aboard, CancellationToken.None);
        return view with { Aboard = view.Aboard.Where(own.Contains).ToList() };
    }
}
