using NodaTime;
using Orleans;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Domain.Shipments;

// The shipment as forwarders see it; property names and shapes are those of the public contract.

[GenerateSerializer, Immutable]
public sealed record ShipmentView(
    [property: Id(0)] string ShipmentId,
    [property: Id(1)] string Forwarder,
    [property: Id(2)] TradeMode TradeMode,
    [property: Id(3)] ShipmentStatus Status,
    [property: Id(4)] IReadOnlyList<ContainerView> Containers,
    [property: Id(5)] int CurrentLeg,
    [property: Id(6)] IReadOnlyList<LegView> Legs,
    [property: Id(7)] OffsetDateTime? Eta,
    [property: Id(8)] CustomsView Customs,
    [property: Id(9)] TaxRefundView TaxRefund,
    [property: Id(10)] IReadOnlyList<TimelineEntry>? Timeline,
    [property: Id(11)] Instant BookedAt,
    [property: Id(12)] Instant? CancelledAt,
    [property: Id(13)] IReadOnlyList<EtaChange> EtaHistory);

[GenerateSerializer, Immutable]
public sealed record ContainerView(
    [property: Id(0)] string ContainerNumber,
    [property: Id(1)] ContainerStatus Status,
    [property: Id(2)] string? Location,
    [property: Id(3)] string? ConveyanceId,
    [property: Id(4)] TransportMode? ModeOfTransport);

[GenerateSerializer, Immutable]
public sealed record LegView(
    [property: Id(0)] TransportMode Mode,
    [property: Id(1)] string ConveyanceId,
    [property: Id(2)] string From,
    [property: Id(3)] string To,
    [property: Id(4)] LegStatus Status,
    [property: Id(5)] OffsetDateTime? PlannedDeparture,
    [property: Id(6)] OffsetDateTime? EstimatedDeparture,
    [property: Id(7)] OffsetDateTime? ActualDeparture,
    [property: Id(8)] OffsetDateTime? PlannedArrival,
    [property: Id(9)] OffsetDateTime? EstimatedArrival,
    [property: Id(10)] OffsetDateTime? ActualArrival,
    [property: Id(11)] IReadOnlyList<string> TranshippedTo);

[GenerateSerializer, Immutable]
public sealed record CustomsView(
    [property: Id(0)] CustomsStatus Status,
    [property: Id(1)] string? Location,
    [property: Id(2)] OffsetDateTime? ReleasedAt);

[GenerateSerializer, Immutable]
public sealed record TaxRefundView(
    [property: Id(0)] TaxRefundStatus Status,
    [property: Id(1)] string? DeparturePort,
    [property: Id(2)] string? ExitPort,
    [property: Id(3)] OffsetDateTime? Deadline,
    [property: Id(4)] IReadOnlyList<TriggerView> Triggers);

[GenerateSerializer, Immutable]
public sealed record TriggerView(
    [property: Id(0)] string MessageId,
    [property: Id(1)] TaxRefundTriggerKind Kind,
    [property: Id(2)] Instant IssuedAt,
    [property: Id(3)] Instant? DeliveredAt,
    [property: Id(4)] RefundRevocationReason? Reason);

[GenerateSerializer, Immutable]
public sealed record TimelineEntry(
    [property: Id(0)] string EventId,
    [property: Id(1)] EventType EventType,
    [property: Id(2)] EventCode EventCode,
    [property: Id(3)] EventClassifier Classifier,
    [property: Id(4)] OffsetDateTime EventDateTime,
    [property: Id(5)] string Location,
    [property: Id(6)] string? Facility,
    [property: Id(7)] TransportMode? ModeOfTransport,
    [property: Id(8)] string? ConveyanceId,
    [property: Id(9)] string? ContainerNumber,
    [property: Id(10)] string? DeclarationNumber,
    [property: Id(11)] Instant ReceivedAt,
    [property: Id(12)] string? ReportedBy)
{
    /// <summary>EMPTY or LADEN when the port system said so (EQUIPMENT events); null when it did not.</summary>
    [Id(13)]
    public EmptyIndicator? EmptyIndicator { get; init; }

    /// <summary>The event as recorded, its time shown in the zone of its location, with who reported it.</summary>
    public static TimelineEntry Of(TransitEvent e) => new(
        e.EventId, e.EventType, e.EventCode, e.Classifier, e.EventDateTime.AtPlace(e.Location), e.Location.Value, e.Facility,
        e.ModeOfTransport, e.ConveyanceId, e.ContainerNumber?.Value, e.DeclarationNumber, e.ReceivedAt, e.ReportedBy)
    {
        EmptyIndicator = e.EmptyIndicator,
    };
}

/// <summary>A change of the shipment's ETA, recorded when an accepted event moved it.</summary>
[GenerateSerializer, Immutable]
public sealed record EtaChange(
    [property: Id(0)] Instant ChangedAt,
    [property: Id(1)] OffsetDateTime? Eta,
    [property: Id(2)] string CausedBy);
