using NodaTime;
using Orleans;

namespace TransitGrains.Domain.TaxRefund;

public enum TaxRefundTriggerKind
{
    REFUND_ELIGIBLE,
    EXIT_CONFIRMED,
    REFUND_REVOKED,
}

public enum RefundRevocationReason
{
    DEADLINE_PASSED,
    CANCELLED,
    DECLARATION_REVOKED,
    NOT_EXPORTED,
}

/// <summary>A message to the tax system; at most one of each kind per shipment, so its id is <c>{shipmentId}:{kind}</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record TaxRefundTrigger(
    [property: Id(0)] TaxRefundTriggerKind Kind,
    [property: Id(1)] string ShipmentId,
    [property: Id(2)] string DeclarationNumber,
    [property: Id(3)] string ExporterTaxId,
    [property: Id(4)] IReadOnlyList<string> Containers,
    [property: Id(5)] string DeparturePort,
    [property: Id(6)] string ExitPort,
    [property: Id(7)] string ConveyanceId,
    [property: Id(8)] OffsetDateTime? ReleasedAt,
    [property: Id(9)] OffsetDateTime? DepartedAt,
    [property: Id(10)] OffsetDateTime? ExitedAt,
    [property: Id(11)] OffsetDateTime? Deadline,
    [property: Id(12)] RefundRevocationReason? Reason,
    [property: Id(13)] Instant IssuedAt)
{
    public string MessageId => MessageIdOf(ShipmentId, Kind);

    public static string MessageIdOf(string shipmentId, TaxRefundTriggerKind kind) => $"{shipmentId}:{kind}";
}
