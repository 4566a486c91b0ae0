using NodaTime;

namespace TransitGrains.TaxConsumer;

/// <summary>
/// What the tax system has recorded: one entry per shipment, plus every message id already
/// applied, which is what makes at-least-once delivery safe to act on.
/// </summary>
public sealed class RefundLedger
{
    public HashSet<string> ProcessedMessageIds { get; init; } = [];
    public SortedDictionary<string, ShipmentRefund> Shipments { get; init; } = new(StringComparer.Ordinal);
    public int DuplicatesSkipped { get; set; }
    public int Poisoned { get; set; }

    public int Triggered => Shipments.Values.Count(s => s.EligibleAt is not null);
    public int Confirmed => Shipments.Values.Count(s => s.ExitConfirmedAt is not null);
    public int Revoked => Shipments.Values.Count(s => s.RevokedAt is not null);

    public bool IsProcessed(string messageId) => ProcessedMessageIds.Contains(messageId);

    /// <summary>Records a trigger. Kinds may arrive in any order; <see cref="ShipmentRefund.Status"/> does not depend on it.</summary>
    public void Apply(RefundTrigger trigger)
    {
        if (!Shipments.TryGetValue(trigger.ShipmentId, out var shipment))
        {
            shipment = new ShipmentRefund { DeclarationNumber = trigger.DeclarationNumber, ExporterTaxId = trigger.ExporterTaxId };
            Shipments.Add(trigger.ShipmentId, shipment);
        }

        switch (trigger.Kind)
        {
            case RefundTrigger.RefundEligible:
                shipment.EligibleAt = trigger.IssuedAt;
                shipment.Deadline = trigger.Deadline;
                break;
            case RefundTrigger.ExitConfirmed:
                shipment.ExitConfirmedAt = trigger.IssuedAt;
                break;
            case RefundTrigger.RefundRevoked:
                shipment.RevokedAt = trigger.IssuedAt;
                shipment.RevocationReason = trigger.Reason;
                break;
            default:
                throw new ArgumentException($"Unknown trigger kind '{trigger.Kind}'.", nameof(trigger));
        }

        ProcessedMessageIds.Add(trigger.MessageId);
    }
}

public sealed class ShipmentRefund
{
    public required string DeclarationNumber { get; init; }
    public required string ExporterTaxId { get; init; }
    public OffsetDateTime? EligibleAt { get; set; }
    public OffsetDateTime? Deadline { get; set; }
    public OffsetDateTime? ExitConfirmedAt { get; set; }
    public OffsetDateTime? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }

    /// <summary>A revocation outweighs everything (the refund must be recovered); then exit; then eligibility.</summary>
    public string Status =>
        RevokedAt is not null ? "REVOKED"
        : ExitConfirmedAt is not null ? "CONFIRMED"
        : EligibleAt is not null ? "TRIGGERED"
        : "UNKNOWN";
}
