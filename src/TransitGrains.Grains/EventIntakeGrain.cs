using Orleans;
using Orleans.Concurrency;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Grains;

/// <summary>
/// Takes a batch of validated events and answers once each is durable and applied: the journal claims their ids and
/// stores each in the streams it concerns in one transaction (shared with the batches that arrive meanwhile), then every
/// shipment that received events applies them and records what it decides. Each shipment is called once per batch with
/// all of its events, so a train's 50 LOADs cost one call per shipment.
/// </summary>
[StatelessWorker]
public sealed class EventIntakeGrain(IJournal journal) : Grain, IEventIntakeGrain
{
    public async Task<IReadOnlyList<EventOutcome>> Submit(IReadOnlyList<TransitEvent> events)
    {
        // The same id twice in one batch is one event: the first report is the one journaled.
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var unique = new List<TransitEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (first.TryAdd(events[i].EventId, unique.Count))
            {
                unique.Add(events[i]);
            }
        }

        var recorded = await journal.RecordAsync(new RecordEvents(unique));
        await Task.WhenAll(recorded.Deliveries.Select(d => GrainFactory.GetGrain<IShipmentGrain>(d.Key).Apply(d.Value)));

        // The report that claimed an id is answered ACCEPTED; a repeat, here or in another batch, DUPLICATE.
        var answered = new HashSet<string>(StringComparer.Ordinal);
        return events
            .Select(e => answered.Add(e.EventId) && recorded.Events[first[e.EventId]].IsFirst ? EventOutcome.ACCEPTED : EventOutcome.DUPLICATE)
            .ToList();
    }
}
