using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Grains;

[GenerateSerializer]
public sealed class ContainerState
{
    [Id(0)] public string? ActiveShipmentId { get; set; }
    [Id(1)] public List<string> Shipments { get; set; } = [];
    [Id(2)] public List<TransitEvent> Kept { get; set; } = [];

    /// <summary>Ids of events a cancelled shipment already recorded: a late retry of one is not kept for the next booking.</summary>
    [Id(3)] public HashSet<string> Settled { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Routes a container's events to its active shipment, and keeps those that came before any booking.</summary>
public sealed class ContainerGrain(
    [PersistentState("container", StorageNames.Transit)] IPersistentState<ContainerState> state) : Grain, IContainerGrain
{
    private ContainerNumber Number => ContainerNumber.Parse(this.GetPrimaryKeyString());

    public async Task<ContainerRouting> Route(IReadOnlyList<TransitEvent> events)
    {
        if (state.State.ActiveShipmentId is { } shipmentId)
        {
            return new ContainerRouting(shipmentId, []);
        }

        var known = state.State.Kept.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        known.UnionWith(state.State.Settled);
        var outcomes = new List<EventOutcome>(events.Count);
        foreach (var e in events)
        {
            if (known.Add(e.EventId))
            {
                state.State.Kept.Add(e);
                outcomes.Add(EventOutcome.ACCEPTED);
            }
            else
            {
                outcomes.Add(EventOutcome.DUPLICATE);
            }
        }

        if (outcomes.Contains(EventOutcome.ACCEPTED))
        {
            await state.WriteOrReload(this);
        }

        return new ContainerRouting(null, outcomes);
    }

    public async Task<ClaimResult> Claim(string shipmentId)
    {
        var current = state.State.ActiveShipmentId;
        if (current != shipmentId)
        {
            // A shipment that completed, was cancelled, or never finished booking no longer holds the container.
            if (current is not null && await GrainFactory.GetGrain<IShipmentGrain>(current).HoldsContainer(Number))
            {
                return new ClaimResult(current, []);
            }

            state.State.ActiveShipmentId = shipmentId;
            state.State.Shipments.Remove(shipmentId);
            state.State.Shipments.Insert(0, shipmentId);
            await state.WriteOrReload(this);
        }

        return new ClaimResult(null, state.State.Kept);
    }

    public async Task HandedOver(string shipmentId, IReadOnlyList<string> eventIds)
    {
        if (state.State.ActiveShipmentId == shipmentId && state.State.Kept.RemoveAll(e => eventIds.Contains(e.EventId)) > 0)
        {
            await state.WriteOrReload(this);
        }
    }

    public async Task Release(string shipmentId, IReadOnlyList<string> recordedEventIds)
    {
        if (state.State.ActiveShipmentId == shipmentId)
        {
            state.State.ActiveShipmentId = null;
            state.State.Settled.UnionWith(recordedEventIds);
            await state.WriteOrReload(this);
        }
    }

    public async Task Unclaim(string shipmentId)
    {
        if (state.State.ActiveShipmentId == shipmentId)
        {
            state.State.ActiveShipmentId = null;
            state.State.Shipments.Remove(shipmentId);
            await state.WriteOrReload(this);
        }
    }

    public Task<IReadOnlyList<string>> Shipments() => Task.FromResult<IReadOnlyList<string>>(state.State.Shipments);
}
