using NodaTime;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue.Tests;

/// <summary>Triggers shaped like the first real case: Suigang 903, Shunde Beijiao to Nansha, 30 Nov 2020.</summary>
internal static class SampleTriggers
{
    private static readonly Offset China = Offset.FromHours(8);

    public static OffsetDateTime At(int month, int day, int hour, int minute) =>
        new LocalDateTime(2020, month, day, hour, minute).WithOffset(China);

    public static TaxRefundTriggerMessage Eligible(string shipmentId = "GZ21-000123") => new(
        TaxRefundTriggerMessage.MessageIdFor(shipmentId, TaxRefundTriggerKinds.RefundEligible),
        TaxRefundTriggerKinds.RefundEligible,
        shipmentId,
        "530120201000012345",
        "91440600MA4WXXXX1X",
        ["CSQU3054383", "APZU4812090"],
        "CNSUD",
        "CNNSA",
        "SUIGANG903-2011A",
        ReleasedAt: At(11, 30, 8, 40),
        DepartedAt: At(11, 30, 9, 12),
        ExitedAt: null,
        Deadline: new LocalDateTime(2021, 1, 29, 23, 59, 59).WithOffset(China),
        Reason: null,
        IssuedAt: At(11, 30, 9, 12));

    public static TaxRefundTriggerMessage ExitConfirmed(string shipmentId = "GZ21-000123") =>
        Eligible(shipmentId) with
        {
            MessageId = TaxRefundTriggerMessage.MessageIdFor(shipmentId, TaxRefundTriggerKinds.ExitConfirmed),
            Kind = TaxRefundTriggerKinds.ExitConfirmed,
            ExitedAt = At(12, 2, 17, 5),
            IssuedAt = At(12, 2, 17, 6),
        };

    public static TaxRefundTriggerMessage Revoked(string shipmentId, string reason) =>
        Eligible(shipmentId) with
        {
            MessageId = TaxRefundTriggerMessage.MessageIdFor(shipmentId, TaxRefundTriggerKinds.RefundRevoked),
            Kind = TaxRefundTriggerKinds.RefundRevoked,
            Reason = reason,
            IssuedAt = At(12, 5, 10, 0),
        };
}
