using Orleans;
using Orleans.Concurrency;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Abstractions;

/// <summary>One shipment (key: shipment id): its booking, events, derived state and tax-trigger outbox.</summary>
public interface IShipmentGrain : IGrainWithStringKey, IWakeUpGrain
{
    Task<BookingResult> Book(ShipmentBooking booking);

    /// <summary>
    /// The shipment as last durably written: answered between the turns of a write in progress, so a read never
    /// waits for the database, and never shows what is not yet stored (or acknowledged).
    /// </summary>
    [AlwaysInterleave]
    Task<ShipmentView?> GetView(bool includeTimeline);

    Task<CancellationResult> Cancel();

    /// <summary>Stores and applies events; answers, in order, whether each was new here.</summary>
    Task<IReadOnlyList<bool>> Apply(IReadOnlyList<TransitEvent> events);

    /// <summary>
    /// A conveyance re-delivers transport events it recorded but this shipment never confirmed (a crash between
    /// the two writes): stores them, then acknowledges them to the conveyance. One-way, so the conveyance never
    /// waits on a shipment.
    /// </summary>
    [OneWay]
    Task Redeliver(string conveyanceKey, IReadOnlyList<TransitEvent> events);

    /// <summary>Whether this shipment is active (booked, not completed or cancelled) and holds the container.</summary>
    [AlwaysInterleave]
    Task<bool> HoldsContainer(ContainerNumber container);

    /// <summary>The forwarder who booked it (null when not booked), to scope what other grains show.</summary>
    [AlwaysInterleave]
    Task<string?> Forwarder();
}

/// <summary>
/// One container (key: ISO 6346 number): which shipment it is on now, and its events that arrived before any
/// booking named it (applied when one does).
/// </summary>
public interface IContainerGrain : IGrainWithStringKey
{
    /// <summary>The active shipment the events belong to; with none, the events are kept here and their statuses returned.</summary>
    Task<ContainerRouting> Route(IReadOnlyList<TransitEvent> events);

    Task<ClaimResult> Claim(string shipmentId);

    /// <summary>The claiming shipment has durably stored these kept events: forget them.</summary>
    Task HandedOver(string shipmentId, IReadOnlyList<string> eventIds);

    /// <summary>
    /// The shipment was cancelled: the container is free to be booked again. The events the shipment recorded for
    /// it stay with that shipment; a retry of one is a duplicate, not an event for the next booking.
    /// </summary>
    Task Release(string shipmentId, IReadOnlyList<string> recordedEventIds);

    /// <summary>The booking that claimed the container was refused: undo the claim, as if it never happened.</summary>
    Task Unclaim(string shipmentId);

    /// <summary>Shipments this container was booked into, newest first.</summary>
    Task<IReadOnlyList<string>> Shipments();
}

/// <summary>
/// One train, barge, vessel or truck (key: <c>{MODE}/{conveyanceId}</c>): its calls, who is aboard, and
/// which shipments follow it. A transport event is recorded here first, then fanned out to those shipments.
/// </summary>
public interface IConveyanceGrain : IGrainWithStringKey
{
    Task<TransportIntake> RecordTransport(IReadOnlyList<TransitEvent> events);

    /// <summary>LOAD/DISC of containers; a shipment seen for the first time starts to follow this conveyance.</summary>
    Task<IReadOnlyList<FanOut>> RecordMoves(IReadOnlyList<ContainerMove> moves);

    Task Acknowledge(IReadOnlyList<FanOut> delivered);

    /// <summary>A shipment booked a leg on this conveyance: returns the transport events it has missed.</summary>
    Task<IReadOnlyList<TransitEvent>> RegisterLeg(BookedLeg leg);

    Task UnregisterLeg(string shipmentId);

    /// <summary>Null when nothing is known of it; with a forwarder, <c>aboard</c> lists only that forwarder's containers.</summary>
    Task<ConveyanceView?> GetView(string? forwarder);
}

/// <summary>Entry point for a batch of validated events: routes each to where it is recorded and answers once all are durable.</summary>
public interface IEventIntakeGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<EventOutcome>> Submit(IReadOnlyList<TransitEvent> events);
}
