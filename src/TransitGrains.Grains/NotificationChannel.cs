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

    /// <summary>Adds the notifications a write made, addressed; answers whether there were any.</summary>
    public bool Add(IReadOnlyList<NotificationEntry> addressed)
    {
        stored().AddRange(addressed);
        return addressed.Count > 0;
    }

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

    public void Record(IReadOnlyList<OutboxAttempt> attempts)
    {
        var entries = stored();
        foreach (var attempt in attempts)
        {
            var i = entries.FindIndex(e => e.WebhookId == attempt.EntryId);
            switch (attempt.Outcome)
            {
                case AttemptOutcome.Failed:
                    entries[i] = entries[i] with { Attempts = entries[i].Attempts + 1, NextAttemptAt = attempt.NextAttemptAt };
                    break;
                case AttemptOutcome.LaneClosed:
                    var subscription = entries[i].SubscriptionId;
                    entries.RemoveAll(e => e.SubscriptionId == subscription);
                    break;
                default:
                    entries.RemoveAt(i);
                    break;
            }
        }
    }
}
