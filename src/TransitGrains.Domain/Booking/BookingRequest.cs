namespace TransitGrains.Domain.Booking;

/// <summary>A booking as the forwarder sent it, every field still text.</summary>
public sealed record BookingRequest(
    string? ShipmentId,
    IReadOnlyList<string?>? Containers,
    string? TradeMode,
    ExportDeclarationRequest? ExportDeclaration,
    IReadOnlyList<LegRequest?>? Legs);

public sealed record ExportDeclarationRequest(string? Number, string? ExporterTaxId, bool? DangerousGoods);

public sealed record LegRequest(
    string? Mode,
    string? ConveyanceId,
    string? From,
    string? To,
    string? PlannedDeparture,
    string? PlannedArrival);
