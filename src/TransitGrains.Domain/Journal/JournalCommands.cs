using NodaTime;
using Orleans;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Domain.Journal;

/// <summary>
/// Something to journal. Commands that reach the journal at the same time are planned together, in the order they came,
/// and committed in one transaction: each sees what the ones before it changed.
/// </summary>
public abstract record JournalCommand;

/// <summary>A port system's validated events (distinct ids): claimed, then routed to the streams they concern.</summary>
public sealed record RecordEvents(IReadOnlyList<TransitEvent> Events) : JournalCommand;

/// <summary>
/// A booking: the shipment claims its containers (unless another active shipment holds one), follows its legs'
/// conveyances, and takes the events its containers and conveyances already have.
/// </summary>
public sealed record BookShipment(ShipmentBooked Booked) : JournalCommand;

/// <summary>A cancellation, with what the shipment decided on it: the containers are free again, the legs let go.</summary>
public sealed record CancelShipment(ShipmentBooking Booking, ShipmentCancelled Cancelled, ShipmentDecided Decided, WakeUp? WakeUp)
    : JournalCommand;

/// <summary>
/// A shipment's decision (null: none, only its wake-up changed); <paramref name="Listed"/>, when not null, is its new status
/// in the listing, <paramref name="WakeUp"/> its new wake-up row.
/// </summary>
public sealed record RecordDecision(string ShipmentId, ShipmentDecided? Decided, ShipmentStatus? Listed, WakeUp? WakeUp) : JournalCommand;

/// <summary>What a shipment's delivery attempts changed in its outbox.</summary>
public sealed record RecordAttempts(string ShipmentId, OutboxAttempted Attempted, WakeUp? WakeUp) : JournalCommand;

/// <summary>
/// When a grain must be woken whatever happens (null: never), and which silo delivers its outbox meanwhile (null: none):
/// should that silo be lost, any silo wakes the grain at once instead of at <paramref name="At"/>.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct WakeUp([property: Id(0)] Instant? At, [property: Id(1)] string? HeldBy);

/// <summary>The event recorded under a reported id, and whether this report claimed it (else: a duplicate).</summary>
public sealed record RecordedEvent(TransitEvent Event, bool IsFirst);

/// <summary>
/// What a batch of events did: each event's claim, in order, and the events each shipment stream received (the batch's
/// own, the history of a conveyance it started to follow, and, for a duplicate, the first event again, so that a
/// shipment whose decision was lost in a crash is called and decides again).
/// </summary>
public sealed record EventsRecorded(IReadOnlyList<RecordedEvent> Events, IReadOnlyDictionary<string, IReadOnlyList<TransitEvent>> Deliveries);

/// <summary>
/// What a booking did: refused because <paramref name="Container"/> is on active shipment <paramref name="HeldBy"/>;
/// refused because the journal has this shipment booked already (<paramref name="AlreadyBooked"/>: the grain's memory is
/// behind); or booked, with the events now in its stream.
/// </summary>
public sealed record BookingRecorded(
    ContainerNumber? Container, string? HeldBy, bool AlreadyBooked, IReadOnlyList<TransitEvent> Events)
{
    public bool IsBooked => Container is null && !AlreadyBooked;
}

/// <summary>A shipment's place in the listing: whose it is, its status, when it was booked.</summary>
public sealed record ShipmentListingRow(string ShipmentId, string Forwarder, ShipmentStatus Status, Instant BookedAt);
