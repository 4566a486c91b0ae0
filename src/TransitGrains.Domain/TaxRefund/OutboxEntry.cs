using NodaTime;
using Orleans;
using TransitGrains.Domain.Outbox;

namespace TransitGrains.Domain.TaxRefund;

/// <summary>
/// A trigger stored with the shipment's state, waiting for (or done with) delivery to the tax queue. Kept once
/// delivered: the shipment shows its triggers. Each trigger is a lane of its own (the tax system deduplicates by message
/// id, and kinds are unordered on the queue), and none is ever given up.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OutboxEntry(
    [property: Id(0)] TaxRefundTrigger Trigger,
    [property: Id(1)] Instant? DeliveredAt,
    [property: Id(2)] int FailedAttempts,
    [property: Id(3)] Instant? NextAttemptAt) : IOutboxEntry
{
    public const int MaxBackoffSeconds = 30;

    public static OutboxEntry Pending(TaxRefundTrigger trigger) => new(trigger, null, 0, null);

    /// <summary>
    /// Exponential backoff: 1 s, 2 s, 4 s … capped at 30 seconds, so that after an outage of any length every
    /// waiting trigger goes out within half a minute of the queue answering again.
    /// </summary>
    public OutboxEntry Failed(Instant now)
    {
        var seconds = Math.Min(MaxBackoffSeconds, 1L << Math.Min(FailedAttempts, 16));
        return this with { FailedAttempts = FailedAttempts + 1, NextAttemptAt = now + Duration.FromSeconds(seconds) };
    }

    public OutboxEntry Delivered(Instant now) => this with { DeliveredAt = now, NextAttemptAt = null };

    public bool IsDue(Instant now) => OutboxOrder.IsDue(this, now);

    public string Id => Trigger.MessageId;

    public string Lane => Id;

    public bool IsSettled => DeliveredAt is not null;

    public Instant MadeAt => Trigger.IssuedAt;
}
