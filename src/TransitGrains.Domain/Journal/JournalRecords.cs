using NodaTime;
using Orleans;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Domain.Journal;

/// <summary>
/// The journal's streams, one per grain that keeps a state from it: a shipment (its booking, events and decisions), a
/// conveyance (its transport events, container moves and booked legs), a container (events reported before any
/// booking named it, kept until one does).
/// </summary>
public static class JournalStreams
{
    public static string Shipment(string shipmentId) => "shipment/" + shipmentId;

    public static string Conveyance(ConveyanceKey key) => "conveyance/" + key;

    public static string Container(ContainerNumber container) => "container/" + container.Value;
}

/// <summary>
/// What a stream holds besides events: each record is written once, in the transaction that decides it, and a grain's
/// state is its snapshot plus the records and events journaled after it. Aliases keep stored records readable when a
/// type is renamed.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record JournalRecord;

/// <summary>A shipment was booked, with the ETA its plan alone gives (the first entry of its ETA history).</summary>
[GenerateSerializer, Immutable, Alias("journal.shipment-booked")]
public sealed record ShipmentBooked(
    [property: Id(0)] ShipmentBooking Booking,
    [property: Id(1)] Instant BookedAt,
    [property: Id(2)] EtaChange InitialEta) : JournalRecord;

[GenerateSerializer, Immutable, Alias("journal.shipment-cancelled")]
public sealed record ShipmentCancelled([property: Id(0)] Instant CancelledAt) : JournalRecord;

/// <summary>
/// What a shipment decided after applying events (or after the clock moved): everything that must be stored before it is
/// shown or acted on. <see cref="Covers"/> names the events this decision saw for the first time; an event journaled for
/// the shipment but covered by no decision is decided again after a crash (the decision was lost with the process before
/// anyone saw it).
/// </summary>
[GenerateSerializer, Immutable, Alias("journal.shipment-decided")]
public sealed record ShipmentDecided(
    [property: Id(0)] IReadOnlyList<string> Covers,
    [property: Id(1)] EtaChange? Eta,
    [property: Id(2)] IReadOnlyList<OutboxEntry> Triggers,
    [property: Id(3)] IReadOnlyList<NotificationEntry> Notifications,
    [property: Id(4)] long NotificationsMade,
    [property: Id(5)] ShipmentStatus Status) : JournalRecord;

/// <summary>
/// Outbox entries after delivery attempts: the tax triggers as they now stand (delivered, or failed with their next
/// attempt), the notifications still waiting as they now stand, and those that left the outbox (delivered, given up, or
/// their subscription gone).
/// </summary>
[GenerateSerializer, Immutable, Alias("journal.outbox-attempted")]
public sealed record OutboxAttempted(
    [property: Id(0)] IReadOnlyList<OutboxEntry> Triggers,
    [property: Id(1)] IReadOnlyList<NotificationEntry> Notifications,
    [property: Id(2)] IReadOnlyList<string> Settled) : JournalRecord;

/// <summary>A shipment booked a leg on a conveyance.</summary>
[GenerateSerializer, Immutable, Alias("journal.leg-booked")]
public sealed record LegBooked([property: Id(0)] BookedLeg Leg) : JournalRecord;

/// <summary>A shipment with legs on a conveyance was cancelled.</summary>
[GenerateSerializer, Immutable, Alias("journal.legs-cancelled")]
public sealed record LegsCancelled([property: Id(0)] string ShipmentId) : JournalRecord;

/// <summary>
/// One entry of a stream as read back: an event (<see cref="Event"/>) or a record (<see cref="Record"/>), at its
/// position. Positions grow in commit order across the whole journal.
/// </summary>
public sealed record JournalEntry(long Position, TransitEvent? Event, JournalRecord? Record);

/// <summary>A stream's entries after a position, and the journal's head when they were read: nothing up to it is missing.</summary>
public sealed record JournalTail(IReadOnlyList<JournalEntry> Entries, long Head);
