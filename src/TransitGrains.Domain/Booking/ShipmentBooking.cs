using NodaTime;
using Orleans;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Booking;

/// <summary>What a forwarder booked: the containers, the planned legs and the export declaration.</summary>
[GenerateSerializer, Immutable]
public sealed record ShipmentBooking(
    [property: Id(0)] string ShipmentId,
    [property: Id(1)] string Forwarder,
    [property: Id(2)] TradeMode TradeMode,
    [property: Id(3)] IReadOnlyList<ContainerNumber> Containers,
    [property: Id(4)] ExportDeclaration? ExportDeclaration,
    [property: Id(5)] IReadOnlyList<PlannedLeg> Legs)
{
    public PlannedLeg LastLeg => Legs[^1];

    /// <summary>Same booking, field by field (records compare lists by reference).</summary>
    public bool SameAs(ShipmentBooking other) =>
        ShipmentId == other.ShipmentId
        && Forwarder == other.Forwarder
        && TradeMode == other.TradeMode
        && Containers.SequenceEqual(other.Containers)
        && ExportDeclaration == other.ExportDeclaration
        && Legs.SequenceEqual(other.Legs);
}

[GenerateSerializer, Immutable]
public sealed record ExportDeclaration(
    [property: Id(0)] string Number,
    [property: Id(1)] string ExporterTaxId,
    [property: Id(2)] bool DangerousGoods);

[GenerateSerializer, Immutable]
public sealed record PlannedLeg(
    [property: Id(0)] TransportMode Mode,
    [property: Id(1)] string ConveyanceId,
    [property: Id(2)] UnLocode From,
    [property: Id(3)] UnLocode To,
    [property: Id(4)] OffsetDateTime? PlannedDeparture,
    [property: Id(5)] OffsetDateTime? PlannedArrival)
{
    public ConveyanceKey Conveyance => new(Mode, ConveyanceId);
}
