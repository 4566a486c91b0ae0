using Orleans;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Abstractions;

public enum EventOutcome
{
    ACCEPTED,
    DUPLICATE,
}

public enum BookingOutcome
{
    Created,
    AlreadyBooked,
    ShipmentConflict,
    ContainerConflict,
}

[GenerateSerializer, Immutable]
public sealed record BookingResult(
    [property: Id(0)] BookingOutcome Outcome,
    [property: Id(1)] ShipmentView? Shipment,
    [property: Id(2)] string? Detail,
    [property: Id(3)] string? ConflictingShipmentId);

public enum CancellationOutcome
{
    Cancelled,
    NotFound,
    NotCancellable,
}

[GenerateSerializer, Immutable]
public sealed record CancellationResult(
    [property: Id(0)] CancellationOutcome Outcome,
    [property: Id(1)] ShipmentView? Shipment,
    [property: Id(2)] string? Detail);
