using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Domain.Booking;

/// <summary>A booking as the forwarder sent it, every field still text.</summary>
public sealed record BookingRequest(
    string? ShipmentId,
    IReadOnlyList<string?>? Containers,
    string? TradeMode,
    ExportDeclarationRequest? ExportDeclaration,
    IReadOnlyList<LegRequest?>? Legs);

public sealed record ExportDeclarationRequest(
    [property: Required, Description("The export declaration's number.")] string? Number,
    [property: Required, Description("The exporter's tax id.")] string? ExporterTaxId,
    [property: Description("Dangerous goods get no departure-port refund.")] bool? DangerousGoods);

public sealed record LegRequest(
    [property: Required, ChoiceOf(typeof(TransportMode)), Description("The leg's mode.")] string? Mode,
    [property: Required, Description("The train, barge, vessel or truck: A-Z 0-9 - _ .")]
    [property: StringLength(ReferenceCode.ConveyanceIdMaxLength, MinimumLength = ReferenceCode.ConveyanceIdMinLength)]
    [property: RegularExpression(ReferenceCode.Pattern)]
    string? ConveyanceId,
    [property: Required, RegularExpression(UnLocode.Pattern), Description("UN/LOCODE; the previous leg's to.")] string? From,
    [property: Required, RegularExpression(UnLocode.Pattern), Description("UN/LOCODE.")] string? To,
    [property: DateTimeText, Description("Optional.")] string? PlannedDeparture,
    [property: DateTimeText, Description("Optional; not before plannedDeparture.")] string? PlannedArrival);
