using NodaTime;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.TaxQueue;

namespace TransitGrains.Grains;

/// <summary>A stored trigger as the tax system receives it on the queue.</summary>
public static class TaxRefundMessages
{
    public static TaxRefundTriggerMessage ToMessage(TaxRefundTrigger t) => new(
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
}
