using Microsoft.Extensions.Logging;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Outbox;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Grains;

/// <summary>
/// Tax refund triggers in a shipment's outbox, published to the tax queue. A failure is retried with the trigger's own
/// backoff (<see cref="OutboxEntry.Failed"/>), for as long as it takes; a delivered trigger stays in the state, marked.
/// </summary>
internal sealed class TaxTriggerChannel(
    Func<List<OutboxEntry>> stored, ITaxRefundTriggerPublisher publisher, IClock clock, ILogger logger) : IOutboxChannel
{
    public PushChannel Kind => PushChannel.TaxTrigger;

    public IEnumerable<IOutboxEntry> Entries => stored();

    /// <summary>Adds the triggers a write made due; answers whether there were any.</summary>
    public bool Add(IReadOnlyList<TaxRefundTrigger> due)
    {
        foreach (var trigger in due)
        {
            stored().Add(OutboxEntry.Pending(trigger));
            TransitMetrics.TaxTriggerAdded(trigger.Kind);
        }

        return due.Count > 0;
    }

    public async Task<OutboxAttempt> AttemptAsync(IOutboxEntry entry)
    {
        var trigger = ((OutboxEntry)entry).Trigger;
        try
        {
            await publisher.PublishAsync(TaxRefundTriggerMessage.From(trigger), CancellationToken.None);
            return new OutboxAttempt(entry.Id, AttemptOutcome.Delivered, clock.GetCurrentInstant());
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Tax trigger {MessageId} not delivered (attempt {Attempt}); will retry",
                trigger.MessageId, ((OutboxEntry)entry).FailedAttempts + 1);
            return new OutboxAttempt(entry.Id, AttemptOutcome.Failed, clock.GetCurrentInstant());
        }
    }

    public void Record(IReadOnlyList<OutboxAttempt> attempts)
    {
        var entries = stored();
        foreach (var attempt in attempts)
        {
            var i = entries.FindIndex(e => e.Id == attempt.EntryId);
            if (attempt.Outcome == AttemptOutcome.Delivered)
            {
                entries[i] = entries[i].Delivered(attempt.At);
            }
            else
            {
                entries[i] = entries[i].Failed(attempt.At);
            }
        }
    }
}
