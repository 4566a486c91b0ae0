using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;

namespace TransitGrains.Grains;

[GenerateSerializer]
public sealed class ConveyanceState
{
    [Id(0)] public List<TransitEvent> Transport { get; set; } = [];

    /// <summary>Every move in full, as rows stored before <see cref="Moves"/> hold them: folded into it at activation.</summary>
    [Id(1)] public List<TransitEvent>? FullMoves { get; set; }

    [Id(2)] public List<BookedLeg> Legs { get; set; } = [];

    /// <summary>Shipments that receive this conveyance's transport events: booked on it, or with containers loaded onto it.</summary>
    [Id(3)] public HashSet<string> Followers { get; set; } = [];

    /// <summary>Transport events recorded here but not yet confirmed stored by each follower: re-sent until they are.</summary>
    [Id(4)] public Dictionary<string, HashSet<string>> Unconfirmed { get; set; } = [];

    /// <summary>Each container's latest LOAD/DISC here: all that decides who is aboard, so the state stays one entry per container.</summary>
    [Id(5)] public ConveyanceMoves Moves { get; set; } = new();
}

/// <summary>
/// A train, barge, vessel or truck. Never awaits a shipment while holding its turn (the event intake delivers
/// the fan-out it hands back; after a crash it re-delivers one-way), so bookings that call in here cannot
/// deadlock with it. Its calls interleave: each changes the state within one turn and then waits for a shared write
/// (<see cref="SharedWrites{TState}"/>), so the batches and bookings that reach a busy vessel at once share its writes.
/// </summary>
[Reentrant]
public sealed class ConveyanceGrain(
    [PersistentState("conveyance", StorageNames.Transit)] IPersistentState<ConveyanceState> state) : Grain, IConveyanceGrain
{
    private readonly SharedWrites<ConveyanceState> _writes = new(state);

    // The transport events by id, built once per activation: recording and fan-out look events up on every call.
    private readonly Dictionary<string, TransitEvent> _transport = new(StringComparer.Ordinal);

    private ConveyanceKey Key => ConveyanceKey.Parse(this.GetPrimaryKeyString());

    /// <summary>
    /// Unconfirmed fan-out found at activation was cut off by a crash (this grain wrote, some shipments did not):
    /// re-deliver it without waiting for the port's retry. One-way calls only: the rule above still holds.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var e in state.State.Transport)
        {
            _transport.Add(e.EventId, e);
        }

        // The next write stores the folded moves only; until then each activation folds them again, to the same result.
        if (state.State.FullMoves is { } fullMoves)
        {
            foreach (var move in fullMoves)
            {
                state.State.Moves.Record(move);
            }

            state.State.FullMoves = null;
        }

        foreach (var fanOut in PendingFanOut())
        {
            _ = GrainFactory.GetGrain<IShipmentGrain>(fanOut.ShipmentId).Redeliver(this.GetPrimaryKeyString(), fanOut.Events);
        }

        return Task.CompletedTask;
    }

    public async Task<TransportIntake> RecordTransport(IReadOnlyList<TransitEvent> events)
    {
        var outcomes = new List<EventOutcome>(events.Count);
        foreach (var e in events)
        {
            if (!_transport.TryAdd(e.EventId, e))
            {
                outcomes.Add(EventOutcome.DUPLICATE);
                continue;
            }

            state.State.Transport.Add(e);
            outcomes.Add(EventOutcome.ACCEPTED);
            foreach (var follower in state.State.Followers)
            {
                Unconfirmed(follower).Add(e.EventId);
            }
        }

        if (outcomes.Contains(EventOutcome.ACCEPTED))
        {
            await _writes.WriteAsync(this);
        }

        return new TransportIntake(outcomes, PendingFanOut());
    }

    public async Task<IReadOnlyList<FanOut>> RecordMoves(IReadOnlyList<ContainerMove> moves)
    {
        var changed = false;
        foreach (var move in moves)
        {
            // A redelivered or superseded move changes nothing, so it costs no write.
            changed |= state.State.Moves.Record(move.Event);

            if (move.ShipmentId is { } shipmentId && state.State.Followers.Add(shipmentId))
            {
                // A new follower (e.g. loaded at a transhipment) gets every transport event so far.
                Unconfirmed(shipmentId).UnionWith(state.State.Transport.Select(e => e.EventId));
                changed = true;
            }
        }

        if (changed)
        {
            await _writes.WriteAsync(this);
        }

        return PendingFanOut();
    }

    public async Task Acknowledge(IReadOnlyList<FanOut> delivered)
    {
        var changed = false;
        foreach (var fanOut in delivered)
        {
            if (state.State.Unconfirmed.TryGetValue(fanOut.ShipmentId, out var ids))
            {
                var before = ids.Count;
                ids.ExceptWith(fanOut.Events.Select(e => e.EventId));
                changed |= ids.Count < before;
                if (ids.Count == 0)
                {
                    state.State.Unconfirmed.Remove(fanOut.ShipmentId);
                }
            }
        }

        if (changed)
        {
            await _writes.WriteAsync(this);
        }
    }

    public async Task<IReadOnlyList<TransitEvent>> RegisterLeg(BookedLeg leg)
    {
        state.State.Legs.RemoveAll(l => l.ShipmentId == leg.ShipmentId && l.From == leg.From);
        state.State.Legs.Add(leg);
        state.State.Followers.Add(leg.ShipmentId);
        await _writes.WriteAsync(this);
        return state.State.Transport.ToList(); // a copy: interleaved calls may add to the list meanwhile
    }

    public async Task UnregisterLeg(string shipmentId)
    {
        state.State.Legs.RemoveAll(l => l.ShipmentId == shipmentId);
        state.State.Followers.Remove(shipmentId);
        state.State.Unconfirmed.Remove(shipmentId);
        await _writes.WriteAsync(this);
    }

    public async Task<ConveyanceView?> GetView(string? forwarder)
    {
        if (state.State.Transport.Count == 0 && state.State.Moves.IsEmpty && state.State.Legs.Count == 0)
        {
            return null;
        }

        var view = ConveyanceFold.View(Key, state.State.Transport, state.State.Moves, state.State.Legs);
        if (forwarder is null)
        {
            return view;
        }

        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in view.Aboard)
        {
            var shipments = await GrainFactory.GetGrain<IContainerGrain>(container).Shipments();
            if (shipments.Count > 0 && await GrainFactory.GetGrain<IShipmentGrain>(shipments[0]).Forwarder() == forwarder)
            {
                own.Add(container);
            }
        }

        return view with { Aboard = view.Aboard.Where(own.Contains).ToList() };
    }

    private HashSet<string> Unconfirmed(string shipmentId)
    {
        if (!state.State.Unconfirmed.TryGetValue(shipmentId, out var ids))
        {
            state.State.Unconfirmed[shipmentId] = ids = new HashSet<string>(StringComparer.Ordinal);
        }

        return ids;
    }

    private List<FanOut> PendingFanOut()
    {
        return state.State.Unconfirmed
            .Select(p => new FanOut(p.Key, p.Value.Select(id => _transport[id]).ToList()))
            .ToList();
    }
}
