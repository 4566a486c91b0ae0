using Microsoft.Extensions.Logging;
using NodaTime;
using Orleans;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Outbox;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains;

/// <summary>
/// Webhook notifications in a shipment's outbox, one lane per subscription. Each attempt is made by the subscription's
/// grain (its keys and status are current there, and it logs the attempt and decides the retry); a delivered or given-up
/// notification leaves the state, and a subscription that is gone takes the rest of its lane with it.
/// </summary>
internal sealed class NotificationChannel(
    Func<List<NotificationEntry>> stored, IGrainFactory grains, IClock clock, WebhookRetrySchedule schedule, ILogger logger) : IOutboxChannel
{
    public PushChannel Kind => PushChannel.Webhook;

    public IEnumerable<IOutboxEntry> Entries => stored();

    public async Task<OutboxAttempt> AttemptAsync(IOutboxEntry entry)
    {
        var notification = (NotificationEntry)entry;
        try
        {
            var result = await grains.GetGrain<ISubscriptionGrain>(notification.SubscriptionId)
                .Deliver(new WebhookDelivery(notification.WebhookId, notification.Attempts + 1, notification.Notification));
            var outcome = result.Outcome switch
            {
                WebhookDeliveryOutcome.Delivered => AttemptOutcome.Delivered,
                WebhookDeliveryOutcome.Failed => AttemptOutcome.Failed,
                WebhookDeliveryOutcome.GaveUp => AttemptOutcome.GaveUp,
                _ => AttemptOutcome.LaneClosed,
            };
            return new OutboxAttempt(entry.Id, outcome, result.AttemptedAt, result.NextAttemptAt);
        }
        catch (Exception ex)
        {
            // The subscription could not be reached (a silo going down): try again as after a first failure.
            var now = clock.GetCurrentInstant();
            logger.LogWarning(ex, "Notification {WebhookId} could not be handed to subscription {SubscriptionId}; will retry",
                notification.WebhookId, notification.SubscriptionId);
            return new OutboxAttempt(entry.Id, AttemptOutcome.Failed, now, now + schedule.Delays[0]);
        }
    }

    /// <summary>
    /// The notifications as these attempts leave them: those still waiting (failed, with their next attempt) and the ids of
    /// those that left (delivered, given up, or their subscription gone, which takes the rest of its lane too).
    /// </summary>
    public (IReadOnlyList<NotificationEntry> Waiting, IReadOnlyList<string> Settled) Attempted(IEnumerable<OutboxAttempt> attempts)
    {
        var entries = stored();
        var waiting = new List<NotificationEntry>();
        var settled = new List<string>();
        foreach (var attempt in attempts)
        {
            var entry = waiting.Find(e => e.WebhookId == attempt.EntryId) ?? entries.Find(e => e.WebhookId == attempt.EntryId);
            if (entry is null)
            {
                continue; // another channel's
            }

            waiting.RemoveAll(e => e.WebhookId == attempt.EntryId);
            switch (attempt.Outcome)
            {
                case AttemptOutcome.Failed:
                    waiting.Add(entry with { Attempts = entry.Attempts + 1, NextAttemptAt = attempt.NextAttemptAt });
                    break;
                case AttemptOutcome.LaneClosed:
                    settled.AddRange(entries.Where(e => e.SubscriptionId == entry.SubscriptionId).Select(e => e.WebhookId));
                    waiting.RemoveAll(e => e.SubscriptionId == entry.SubscriptionId);
                    break;
                default:
                    settled.Add(entry.WebhookId);
                    break;
            }
        }

        return (waiting, settled.Distinct(StringComparer.Ordinal).ToList());
    }
}
