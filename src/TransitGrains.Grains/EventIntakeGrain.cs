using Orleans;
using Orleans.Concurrency;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Grains;

/// <summary>
/// Takes a batch of validated events and answers only when each one is durably recorded where it belongs:
/// transport events at their conveyance and, through its fan-out, at every shipment following it; container
/// events at the container's active shipment (or at the container while none is booked). Each grain is
/// called once per batch with all of its events, so a train's 50 LOADs cost one write per shipment.
/// </summary>
[StatelessWorker]
public sealed class EventIntakeGrain(IEventIdLedger ledger) : Grain, IEventIntakeGrain
{
    public async Task<IReadOnlyList<EventOutcome>> Submit(IReadOnlyList<TransitEvent> events)
    {
        var outcomes = new EventOutcome?[events.Count];
        var unique = new List<(int Index, TransitEvent Event)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            if (seen.Add(events[i].EventId))
            {
                unique.Add((i, events[i]));
            }
            else
            {
                outcomes[i] = EventOutcome.DUPLICATE; // the same id twice in one batch is one event
            }
        }

        // An id is one event wherever it was reported: what is recorded is always the first event under that id.
        var claims = await ledger.Claim(unique.Select(u => u.Event).ToList());
        var claimed = claims.Select(c => c.Event).ToList();

        await Task.WhenAll(
            RecordTransport(claimed.Where(e => e.EventType == EventType.TRANSPORT)),
            RecordContainerEvents(claimed.Where(e => e.EventType != EventType.TRANSPORT)));

        // The report that claimed the id first is the one answered ACCEPTED, also when a concurrent repeat reached the
        // shipment or conveyance before it (a repeat records the claimed event too, to repair a crash after the claim):
        // else both reports would be answered DUPLICATE and the sender would never see its event accepted.
        foreach (var ((index, _), claim) in unique.Zip(claims))
        {
            outcomes[index] = claim.IsFirst ? EventOutcome.ACCEPTED : EventOutcome.DUPLICATE;
        }

        return outcomes.Select(o => o!.Value).ToList();
    }

    private async Task RecordTransport(IEnumerable<TransitEvent> transport)
    {
        await Task.WhenAll(transport.GroupBy(e => e.Conveyance!.Value).Select(async group =>
        {
            var conveyance = GrainFactory.GetGrain<IConveyanceGrain>(group.Key.ToString());
            var intake = await conveyance.RecordTransport(group.ToList());
            await Deliver(conveyance, intake.FanOut);
        }));
    }

    private async Task RecordContainerEvents(IEnumerable<TransitEvent> containerEvents)
    {
        var byContainer = containerEvents.GroupBy(e => e.ContainerNumber!.Value).ToList();
        var routings = await Task.WhenAll(byContainer.Select(group =>
            GrainFactory.GetGrain<IContainerGrain>(group.Key.Value).Route(group.ToList())));

        var toShipments = new List<(string ShipmentId, TransitEvent Event)>();
        var moves = new List<ContainerMove>();
        foreach (var (group, routing) in byContainer.Zip(routings))
        {
            foreach (var e in group)
            {
                if (routing.ShipmentId is { } shipmentId)
                {
                    toShipments.Add((shipmentId, e));
                }

                if (EventVocabulary.MovesContainer(e.EventCode))
                {
                    moves.Add(new ContainerMove(e, routing.ShipmentId));
                }
            }
        }

        var applying = toShipments.GroupBy(t => t.ShipmentId).Select(group =>
            GrainFactory.GetGrain<IShipmentGrain>(group.Key).Apply(group.Select(t => t.Event).ToList()));

        var moving = moves.GroupBy(m => m.Event.Conveyance!.Value).Select(async group =>
        {
            var conveyance = GrainFactory.GetGrain<IConveyanceGrain>(group.Key.ToString());
            await Deliver(conveyance, await conveyance.RecordMoves(group.ToList()));
        });

        await Task.WhenAll(applying.Concat(moving));
    }

    /// <summary>Hands a conveyance's transport events to the shipments following it, then tells it they are stored.</summary>
    private async Task Deliver(IConveyanceGrain conveyance, IReadOnlyList<FanOut> fanOut)
    {
        if (fanOut.Count == 0)
        {
            return;
        }

        await Task.WhenAll(fanOut.Select(f => GrainFactory.GetGrain<IShipmentGrain>(f.ShipmentId).Apply(f.Events)));
        await conveyance.Acknowledge(fanOut);
    }
}
