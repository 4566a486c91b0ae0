using NodaTime;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Abstractions;

/// <summary>
/// One refund trigger as the tax system receives it on the queue (api.md, "Tax systems").
/// Property order and names are the contract; times keep the offset they were issued with.
/// </summary>
public sealed record TaxRefundTriggerMessage(
    string MessageId,
    string Kind,
    string ShipmentId,
    string DeclarationNumber,
    string ExporterTaxId,
    IReadOnlyList<string> Containers,
    string DeparturePort,
    string ExitPort,
    string ConveyanceId,
    OffsetDateTime? ReleasedAt,
    OffsetDateTime? DepartedAt,
    OffsetDateTime? ExitedAt,
    OffsetDateTime? Deadline,
    string? Reason,
    OffsetDateTime IssuedAt)
{
    /// <summary>A stored trigger as the tax system receives it on the queue.</summary>
    public static TaxRefundTriggerMessage From(TaxRefundTrigger t) => new(
        t.MessageId,
        t.Kind.ToString(),
        t.ShipmentId,
        t.DeclarationNumber,
        t.ExporterTaxId,
        t.Containers,
        t.DeparturePort,
        t.ExitPort,
        t.ConveyanceId,
        t.ReleasedAt,
        t.DepartedAt,
        t.ExitedAt,
        t.Deadline,
        t.Reason?.ToString(),
        t.IssuedAt.WithOffset(Offset.Zero));

    /// <summary>The contract's message id, <c>{shipmentId}:{kind}</c>: each kind at most once per shipment.</summary>
    public static string MessageIdFor(string shipmentId, string kind) => $"{shipmentId}:{kind}";

    // Records compare lists by reference; a trigger is a value, so compare the containers element-wise.
    public bool Equals(TaxRefundTriggerMessage? other) =>
        other is not null
        && MessageId == other.MessageId
        && Kind == other.Kind
        && ShipmentId == other.ShipmentId
        && DeclarationNumber == other.DeclarationNumber
        && ExporterTaxId == other.ExporterTaxId
        && Containers.SequenceEqual(other.Containers)
        && DeparturePort == other.DeparturePort
        && ExitPort == other.ExitPort
        && ConveyanceId == other.ConveyanceId
        && ReleasedAt == other.ReleasedAt
        && DepartedAt == other.DepartedAt
        && ExitedAt == other.ExitedAt
        && Deadline == other.Deadline
        && Reason == other.Reason
        && IssuedAt == other.IssuedAt;

    public override int GetHashCode() => HashCode.Combine(MessageId, IssuedAt);
}

/// <summary>Values of <see cref="TaxRefundTriggerMessage.Kind"/>.</summary>
public static class TaxRefundTriggerKinds
{
    public const string RefundEligible = "REFUND_ELIGIBLE";
    public const string ExitConfirmed = "EXIT_CONFIRMED";
    public const string RefundRevoked = "REFUND_REVOKED";
}

/// <summary>Values of <see cref="TaxRefundTriggerMessage.Reason"/> for <see cref="TaxRefundTriggerKinds.RefundRevoked"/>.</summary>
public static class RefundRevocationReasons
{
    public const string DeadlinePassed = "DEADLINE_PASSED";
    public const string Cancelled = "CANCELLED";
    public const string DeclarationRevoked = "DECLARATION_REVOKED";
    public const string NotExported = "NOT_EXPORTED";
}
