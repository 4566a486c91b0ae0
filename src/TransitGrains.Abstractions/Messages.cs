using Orleans;
using TransitGrains.Domain.Events;
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

/// <summary>Either the active shipment the events go to, or (none) their statuses, kept at the container.</summary>
[GenerateSerializer, Immutable]
public sealed record ContainerRouting(
    [property: Id(0)] string? ShipmentId,
    [property: Id(1)] IReadOnlyList<EventOutcome> KeptOutcomes);

[GenerateSerializer, Immutable]
public sealed record ClaimResult(
    [property: Id(0)] string? ConflictingShipmentId,
    [property: Id(1)] IReadOnlyList<TransitEvent> KeptEvents);

/// <summary>Transport events to deliver to one shipment.</summary>
[GenerateSerializer, Immutable]
public sealed record FanOut(
    [property: Id(0)] string ShipmentId,
    [property: Id(1)] IReadOnlyList<TransitEvent> Events);

[GenerateSerializer, Immutable]
public sealed record TransportIntake(
    [property: Id(0)] IReadOnlyList<EventOutcome> Outcomes,
    [property: Id(1)] IReadOnlyList<FanOut> FanOut);

/// <summary>A LOAD or DISC and the shipment its container is on (null when none is booked yet).</summary>
[GenerateSerializer, Immutable]
public sealed record ContainerMove(
    [property: Id(0)] TransitEvent Event,
    [property: Id(1)] string? ShipmentId);
