using NodaTime;

namespace TransitGrains.PortSimulator;

// What a shipment and a conveyance should look like once every event is in. A property left out (null) is not
// checked, so a hand-written scenario file states only what it means to assert.

public sealed record Expectations(IReadOnlyList<ShipmentExpectation> Shipments, IReadOnlyList<ConveyanceExpectation>? Conveyances = null);

public sealed record ShipmentExpectation(
    string ShipmentId,
    string? Status = null,
    int? CurrentLeg = null,
    IReadOnlyList<LegExpectation>? Legs = null,
    IReadOnlyList<ContainerExpectation>? Containers = null,
    ContainerExpectation? EveryContainer = null,
    OffsetDateTime? Eta = null,
    CustomsExpectation? Customs = null,
    RefundExpectation? TaxRefund = null);

public sealed record LegExpectation(
    string? Status = null,
    OffsetDateTime? ActualDeparture = null,
    OffsetDateTime? ActualArrival = null,
    IReadOnlyList<string>? TranshippedTo = null);

public sealed record ContainerExpectation(string? ContainerNumber = null, string? Status = null, string? Location = null, string? ConveyanceId = null);

public sealed record CustomsExpectation(string? Status = null, string? Location = null);

/// <summary><see cref="Triggers"/>: the kinds issued, in order; <see cref="Reason"/>: that of the REFUND_REVOKED trigger.</summary>
public sealed record RefundExpectation(
    string? Status = null,
    string? Reason = null,
    string? DeparturePort = null,
    string? ExitPort = null,
    OffsetDateTime? Deadline = null,
    IReadOnlyList<string>? Triggers = null);

/// <summary><see cref="Calls"/>: "CODE LOCATION" in order, e.g. "DEPA CNDLG".</summary>
public sealed record ConveyanceExpectation(
    string Mode,
    string ConveyanceId,
    string? Status = null,
    string? LastLocation = null,
    int? AboardCount = null,
    IReadOnlyList<string>? Calls = null);

/// <summary>
/// A run's input: what to book, what the port systems report, in the order they report it (an estimate is
/// reported before the time it is about), and what every shipment and conveyance should end up as.
/// </summary>
public sealed record SimulationPlan(
    string Name,
    IReadOnlyList<Booking> Bookings,
    IReadOnlyList<PortEvent> Events,
    Expectations Expected)
{
    public int ContainerCount => Bookings.Sum(b => b.Containers.Count);
}
