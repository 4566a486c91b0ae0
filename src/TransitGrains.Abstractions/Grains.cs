using Orleans;
using Orleans.Concurrency;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
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

    /// <summary>
    /// Applies events the journal has already stored in this shipment's stream, and records what the shipment decides on
    /// them; answers, in order, whether each was new here.
    /// </summary>
    Task<IReadOnlyList<bool>> Apply(IReadOnlyList<TransitEvent> events);

    /// <summary>The forwarder who booked it (null when not booked), to scope what other grains show.</summary>
    [AlwaysInterleave]
    Task<string?> Forwarder();
}

/// <summary>
/// One train, barge, vessel or truck (key: <c>{MODE}/{conveyanceId}</c>): its calls and who is aboard, folded from its
/// stream in the journal (its transport events, container moves and booked legs), read up to date on every read.
/// </summary>
public interface IConveyanceGrain : IGrainWithStringKey
{
    /// <summary>Null when nothing is known of it; with a forwarder, <c>aboard</c> lists only that forwarder's containers.</summary>
    Task<ConveyanceView?> GetView(string? forwarder);
}

/// <summary>Entry point for a batch of validated events: routes each to where it is recorded and answers once all are durable.</summary>
public interface IEventIntakeGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<EventOutcome>> Submit(IReadOnlyList<TransitEvent> events);
}
