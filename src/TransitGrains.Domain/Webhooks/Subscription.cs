using NodaTime;
using Orleans;
using TransitGrains.Domain.Events;

namespace TransitGrains.Domain.Webhooks;

/// <summary>The notification types of api.md 1.1, as they travel (the <c>type</c> of a delivery, a subscription's <c>types</c>).</summary>
public static class NotificationTypes
{
    public const string Event = "shipment.event";
    public const string StatusChanged = "shipment.status_changed";
    public const string EtaChanged = "shipment.eta_changed";
    public const string TaxRefundChanged = "shipment.tax_refund_changed";

    public static readonly IReadOnlyList<string> All = [Event, StatusChanged, EtaChanged, TaxRefundChanged];
}

public enum SubscriptionStatus
{
    ACTIVE,

    /// <summary>Its receiver answered 410 Gone: no further deliveries.</summary>
    DISABLED,
}

/// <summary>
/// A webhook subscription without its secrets: where notifications go, and which ones. A forwarder's subscription sees that
/// forwarder's shipments; an admin's (<see cref="Forwarder"/> null) sees every shipment. Each filter is a list of values,
/// any of which matches; an empty list matches everything; the filters must all match.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Subscription(
    [property: Id(0)] string SubscriptionId,
    [property: Id(1)] string? Forwarder,
    [property: Id(2)] string CallbackUrl,
    [property: Id(3)] IReadOnlyList<string> Types,
    [property: Id(4)] IReadOnlyList<string> ShipmentIds,
    [property: Id(5)] IReadOnlyList<string> Containers,
    [property: Id(6)] IReadOnlyList<EventCode> EventCodes,
    [property: Id(7)] SubscriptionStatus Status,
    [property: Id(8)] Instant CreatedAt)
{
    public bool Sees(string forwarder) => Forwarder is null || Forwarder == forwarder;

    /// <summary>Whether a notification about a shipment of <paramref name="forwarder"/> goes to this subscription.</summary>
    public bool Wants(string forwarder, NotificationFacts facts) =>
        Status == SubscriptionStatus.ACTIVE
        && Sees(forwarder)
        && Types.Contains(facts.Type, StringComparer.Ordinal)
        && (ShipmentIds.Count == 0 || ShipmentIds.Contains(facts.ShipmentId, StringComparer.Ordinal))
        && (Containers.Count == 0 || facts.Containers.Any(c => Containers.Contains(c, StringComparer.Ordinal)))
        && (EventCodes.Count == 0 || facts.EventCodes.Any(EventCodes.Contains));
}

/// <summary>
/// What a notification is matched on: its type, its shipment, the containers it concerns (an event's own container, else
/// every container of the shipment), and the codes of the events that caused it (none for a change the clock or a
/// cancellation made, which therefore passes no <c>eventCodes</c> filter).
/// </summary>
public sealed record NotificationFacts(string Type, string ShipmentId, IReadOnlyList<string> Containers, IReadOnlyList<EventCode> EventCodes);

/// <summary>Every active subscription, as of <paramref name="Version"/> (it grows with each change).</summary>
[GenerateSerializer, Immutable]
public sealed record SubscriptionSet(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<Subscription> Active)
{
    public static readonly SubscriptionSet Empty = new(0, []);
}

/// <summary>
/// Active subscriptions by what decides first whether they can see a shipment, its forwarder: matching an event costs a
/// lookup and a test per subscription that can see the shipment, never a call per subscription.
/// </summary>
public sealed class SubscriptionIndex
{
    private readonly Dictionary<string, IReadOnlyList<Subscription>> _byForwarder;
    private readonly IReadOnlyList<Subscription> _seeingAll;

    public SubscriptionIndex(SubscriptionSet set)
    {
        Version = set.Version;
        _seeingAll = set.Active.Where(s => s.Forwarder is null).ToList();
        _byForwarder = set.Active.Where(s => s.Forwarder is not null)
            .GroupBy(s => s.Forwarder!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Subscription>)[.. _seeingAll, .. g], StringComparer.Ordinal);
    }

    public long Version { get; }

    /// <summary>The active subscriptions that can see the shipments of <paramref name="forwarder"/>.</summary>
    public IReadOnlyList<Subscription> Seeing(string forwarder) => _byForwarder.GetValueOrDefault(forwarder, _seeingAll);

    /// <summary>Each notification about a shipment of <paramref name="forwarder"/>, once for every subscription that wants it.</summary>
    public IReadOnlyList<NotificationEntry> Address(
        string forwarder, IEnumerable<(ShipmentNotification Notification, NotificationFacts Facts)> notifications)
    {
        var seeing = Seeing(forwarder);
        return notifications
            .SelectMany(n => seeing.Where(s => s.Wants(forwarder, n.Facts)).Select(s => NotificationEntry.For(n.Notification, s.SubscriptionId)))
            .ToList();
    }
}
