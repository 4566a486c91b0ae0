using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace TransitGrains.PortSimulator;

// Request and response bodies of the HTTP API (shared/api.md), as far as the simulator sends or checks them.

public sealed record Booking(
    string ShipmentId,
    string? Forwarder,
    IReadOnlyList<string> Containers,
    string TradeMode,
    ExportDeclaration? ExportDeclaration,
    IReadOnlyList<BookedLeg> Legs);

public sealed record ExportDeclaration(string Number, string ExporterTaxId, bool DangerousGoods);

public sealed record BookedLeg(string Mode, string ConveyanceId, string From, string To, OffsetDateTime? PlannedDeparture, OffsetDateTime? PlannedArrival);

public sealed record PortEvent(
    string EventId,
    string EventType,
    string EventCode,
    string Classifier,
    OffsetDateTime EventDateTime,
    string Location,
    string? Facility,
    string? ModeOfTransport,
    string? ConveyanceId,
    string? ContainerNumber,
    string? DeclarationNumber);

public sealed record EventBatch(IReadOnlyList<PortEvent> Events);

public sealed record EventResult(string? EventId, string Status, string? Error);

public sealed record EventBatchResult(IReadOnlyList<EventResult> Results);

public sealed record EdifactMessageResult(string MessageReference, string Type, string? Status, string? Error, IReadOnlyList<EventResult> Results);

public sealed record EdifactAnswer(string Interchange, IReadOnlyList<EdifactMessageResult> Messages);

public sealed record ShipmentState(
    string ShipmentId,
    string Status,
    int CurrentLeg,
    IReadOnlyList<ContainerState> Containers,
    IReadOnlyList<LegState> Legs,
    OffsetDateTime? Eta,
    CustomsState Customs,
    TaxRefundState TaxRefund,
    IReadOnlyList<EtaChange>? EtaHistory);

public sealed record ContainerState(string ContainerNumber, string Status, string? Location, string? ConveyanceId);

public sealed record LegState(
    string Mode,
    string ConveyanceId,
    string From,
    string To,
    string Status,
    OffsetDateTime? PlannedDeparture,
    OffsetDateTime? EstimatedDeparture,
    OffsetDateTime? ActualDeparture,
    OffsetDateTime? PlannedArrival,
    OffsetDateTime? EstimatedArrival,
    OffsetDateTime? ActualArrival,
    IReadOnlyList<string> TranshippedTo);

public sealed record CustomsState(string Status, string? Location, OffsetDateTime? ReleasedAt);

public sealed record TaxRefundState(string Status, string? DeparturePort, string? ExitPort, OffsetDateTime? Deadline, IReadOnlyList<TriggerState> Triggers);

public sealed record TriggerState(string MessageId, string Kind, string? Reason);

public sealed record EtaChange(Instant ChangedAt, OffsetDateTime? Eta, string CausedBy);

public sealed record ConveyanceState(string Mode, string ConveyanceId, string Status, string? LastLocation, IReadOnlyList<string> Aboard, IReadOnlyList<ConveyanceCall> Calls);

public sealed record ConveyanceCall(string Location, string EventCode, OffsetDateTime EventDateTime);

public static class WireJson
{
    /// <summary>camelCase, nulls left out, times as ISO-8601 with the offset they were made with.</summary>
    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    }.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
}
