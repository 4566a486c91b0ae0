namespace TransitGrains.Domain.Shipments;

public enum ShipmentStatus
{
    BOOKED,
    IN_TRANSIT,
    COMPLETED,
    CANCELLED,
}

public enum ContainerStatus
{
    EXPECTED,
    AT_FACILITY,
    ON_CONVEYANCE,
    DELIVERED,
}

/// <summary>Ordered: a leg only moves forward, so the fold can keep the highest status seen.</summary>
public enum LegStatus
{
    PLANNED,
    LOADING,
    DEPARTED,
    ARRIVED,
    COMPLETED,
}

public enum CustomsStatus
{
    NOT_DECLARED,
    DECLARED,
    RELEASED,
    INSPECTION,
    HELD,
    REVOKED,
}

public enum TaxRefundStatus
{
    NOT_APPLICABLE,
    PENDING,
    TRIGGERED,
    EXIT_CONFIRMED,
    REVOKED,
}
