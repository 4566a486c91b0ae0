using NodaTime;
using Orleans;
using TransitGrains.Domain.Events;

namespace TransitGrains.Domain.Conveyances;

public enum ConveyanceStatus
{
    PLANNED,
    DEPARTED,
    ARRIVED,
}

[GenerateSerializer, Immutable]
public sealed record ConveyanceView(
    [property: Id(0)] TransportMode Mode,
    [property: Id(1)] string ConveyanceId,
    [property: Id(2)] ConveyanceStatus Status,
    [property: Id(3)] string? LastLocation,
    [property: Id(4)] OffsetDateTime? LastEventDateTime,
    [property: Id(5)] IReadOnlyList<string> Aboard,
    [property: Id(6)] IReadOnlyList<ConveyanceCall> Calls);

[GenerateSerializer, Immutable]
public sealed record ConveyanceCall(
    [property: Id(0)] string Location,
    [property: Id(1)] EventCode EventCode,
    [property: Id(2)] OffsetDateTime EventDateTime);
