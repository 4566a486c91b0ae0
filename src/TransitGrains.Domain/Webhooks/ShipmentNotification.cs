using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Orleans;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Outbox;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Domain.Webhooks;

/// <summary>
/// A change of a shipment worth telling its subscribers, as made in the write that recorded it: the <c>data</c> of a
/// delivery per api.md 1.1 (an accepted event's timeline entry; the status and the one before; the ETA and the one
/// before; the tax refund as the shipment shows it). <see cref="Sequence"/> numbers the shipment's notifications.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShipmentNotification(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Type,
    [property: Id(2)] Instant Timestamp,
    [property: Id(3)] string ShipmentId,
    [property: Id(4)] TimelineEntry? Event = null,
    [property: Id(5)] ShipmentStatus? Status = null,
    [property: Id(6)] ShipmentStatus? PreviousStatus = null,
    [property: Id(7)] OffsetDateTime? Eta = null,
    [property: Id(8)] OffsetDateTime? PreviousEta = null,
    [property: Id(9)] TaxRefundView? TaxRefund = null);

/// <summary>What subscribers are told about, as it stands after a write: compared with the same before it.</summary>
public sealed record ShipmentFacts(ShipmentStatus Status, OffsetDateTime? Eta, TaxRefundView TaxRefund, IReadOnlyList<string> Containers);

public static class ShipmentChanges
{
    /// <summary>
    /// The notifications one write makes, in order: a <c>shipment.event</c> for each event it accepted (in fold order),
    /// then the status, the ETA and the tax refund where they changed. A refund changes when its status, ports or deadline
    /// change or a trigger is issued, not when a trigger is delivered. Numbered from <paramref name="nextSequence"/>.
    /// </summary>
    public static IReadOnlyList<(ShipmentNotification Notification, NotificationFacts Facts)> Between(
        ShipmentFacts before, ShipmentFacts after, IEnumerable<TransitEvent> accepted, string shipmentId, Instant now, long nextSequence)
    {
        var events = accepted.Order(TransitEvent.FoldOrder).ToList();
        var causes = events.Select(e => e.EventCode).Distinct().ToList();
        var made = new List<(ShipmentNotification, NotificationFacts)>();

        void Add(string type, IReadOnlyList<string> containers, IReadOnlyList<EventCode> codes, Func<ShipmentNotification, ShipmentNotification> data) =>
            made.Add((data(new ShipmentNotification(nextSequence + made.Count, type, now, shipmentId)),
                new NotificationFacts(type, shipmentId, containers, codes)));

        foreach (var e in events)
        {
            Add(NotificationTypes.Event, e.ContainerNumber is { } c ? [c.Value] : after.Containers, [e.EventCode],
                n => n with { Event = TimelineEntry.Of(e) });
        }

        if (before.Status != after.Status)
        {
            Add(NotificationTypes.StatusChanged, after.Containers, causes, n => n with { Status = after.Status, PreviousStatus = before.Status });
        }

        if (before.Eta?.ToInstant() != after.Eta?.ToInstant())
        {
            Add(NotificationTypes.EtaChanged, after.Containers, causes, n => n with { Eta = after.Eta, PreviousEta = before.Eta });
        }

        if (!SameRefund(before.TaxRefund, after.TaxRefund))
        {
            Add(NotificationTypes.TaxRefundChanged, after.Containers, causes, n => n with { TaxRefund = after.TaxRefund });
        }

        return made;
    }

    private static bool SameRefund(TaxRefundView a, TaxRefundView b) =>
        a.Status == b.Status && a.DeparturePort == b.DeparturePort && a.ExitPort == b.ExitPort && a.Deadline == b.Deadline
        && a.Triggers.Select(t => t.MessageId).SequenceEqual(b.Triggers.Select(t => t.MessageId), StringComparer.Ordinal);
}

/// <summary>
/// A notification on its way to one subscription, in the shipment's outbox: its subscription is its lane, so a shipment's
/// notifications reach each subscriber in the order they were made. Removed from the state once delivered or given up
/// (the subscription's deliveries log keeps the attempts).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NotificationEntry(
    [property: Id(0)] string WebhookId,
    [property: Id(1)] string SubscriptionId,
    [property: Id(2)] ShipmentNotification Notification,
    [property: Id(3)] int Attempts = 0,
    [property: Id(4)] Instant? NextAttemptAt = null) : IOutboxEntry
{
    /// <summary>
    /// The entry of <paramref name="notification"/> for one subscription. Its <c>webhook-id</c> is the same on every retry and
    /// differs between subscriptions (one receiver may serve several); it holds no '.' (the signed text is dot-separated).
    /// </summary>
    public static NotificationEntry For(ShipmentNotification notification, string subscriptionId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{notification.ShipmentId}\n{notification.Sequence}\n{subscriptionId}"));
        return new NotificationEntry($"msg_{Convert.ToHexStringLower(hash, 0, 16)}", subscriptionId, notification);
    }

    public string Id => WebhookId;

    public string Lane => SubscriptionId;

    public bool IsSettled => false;

    public Instant MadeAt => Notification.Timestamp;
}
