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

    /// <summary>The triggers as these attempts leave them (delivered, or failed with their next attempt): what to record.</summary>
    public IReadOnlyList<OutboxEntry> Attempted(IEnumerable<OutboxAttempt> attempts)
    {
        var entries = stored();
        var updated = new List<OutboxEntry>();
        foreach (var attempt in attempts)
        {
            var entry = updated.Find(e => e.Id == attempt.EntryId) ?? entries.Find(e => e.Id == attempt.EntryId);
            if (entry is null)
            {
                continue; // another channel's
            }

            updated.RemoveAll(e => e.Id == attempt.EntryId);
            updated.Add(attempt.Outcome == AttemptOutcome.Delivered ? entry.Delivered(attempt.At) : entry.Failed(attempt.At));
        }

        return updated;
    }
}
