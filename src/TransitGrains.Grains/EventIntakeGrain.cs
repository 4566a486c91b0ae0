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
public sealed class EventIntakeGrain : Grain, IEventIntakeGrain
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
        var claims = await Task.WhenAll(unique.Select(u => GrainFactory.GetGrain<IEventIdGrain>(u.Event.EventId).Claim(u.Event)));
        unique = unique.Zip(claims, (u, claim) => (u.Index, claim.Event)).ToList();

        var transport = unique.Where(u => u.Event.EventType == EventType.TRANSPORT).ToList();
        var containerEvents = unique.Where(u => u.Event.EventType != EventType.TRANSPORT).ToList();

        await Task.WhenAll(RecordTransport(transport, outcomes), RecordContainerEvents(containerEvents, outcomes));
        // The report that claimed the id first is the one answered ACCEPTED, also when a concurrent repeat reached the
        // shipment or conveyance before it (a repeat records the claimed event too, to repair a crash after the claim):
        // else both reports would be answered DUPLICATE and the sender would never see its event accepted.
        foreach (var (item, claim) in unique.Zip(claims))
        {
            outcomes[item.Index] = claim.IsFirst ? EventOutcome.ACCEPTED : EventOutcome.DUPLICATE;
        }

        return outcomes.Select(o => o!.Value).ToList();
    }

    private async Task RecordTransport(List<(int Index, TransitEvent Event)> transport, EventOutcome?[] outcomes)
    {
        await Task.WhenAll(transport.GroupBy(u => u.Event.Conveyance!.Value).Select(async group =>
        {
            var conveyance = GrainFactory.GetGrain<IConveyanceGrain>(group.Key.ToString());
            var intake = await conveyance.RecordTransport(group.Select(u => u.Event).ToList());
            foreach (var (item, outcome) in group.Zip(intake.Outcomes))
            {
                outcomes[item.Index] = outcome;
            }

            await Deliver(conveyance, intake.FanOut);
        }));
    }

    private async Task RecordContainerEvents(List<(int Index, TransitEvent Event)> containerEvents, EventOutcome?[] outcomes)
    {
        var byContainer = containerEvents.GroupBy(u => u.Event.ContainerNumber!.Value).ToList();
        var routings = await Task.WhenAll(byContainer.Select(group =>
            GrainFactory.GetGrain<IContainerGrain>(group.Key.Value).Route(group.Select(u => u.Event).ToList())));

        var toShipments = new List<(string ShipmentId, (int Index, TransitEvent Event) Item)>();
        var moves = new List<ContainerMove>();
        foreach (var (group, routing) in byContainer.Zip(routings))
        {
            var items = group.ToList();
            for (var i = 0; i < items.Count; i++)
            {
                if (routing.ShipmentId is { } shipmentId)
                {
                    toShipments.Add((shipmentId, items[i]));
                }
                else
                {
                    outcomes[items[i].Index] = routing.KeptOutcomes[i];
                }

                if (EventVocabulary.MovesContainer(items[i].Event.EventCode))
                {
                    moves.Add(new ContainerMove(items[i].Event, routing.ShipmentId));
                }
            }
        }

        var applying = toShipments.GroupBy(t => t.ShipmentId).Select(async group =>
        {
            var items = group.Select(g => g.Item).ToList();
            var isNew = await GrainFactory.GetGrain<IShipmentGrain>(group.Key).Apply(items.Select(i => i.Event).ToList());
            foreach (var (item, fresh) in items.Zip(isNew))
            {
                outcomes[item.Index] = fresh ? EventOutcome.ACCEPTED : EventOutcome.DUPLICATE;
            }
        });

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
