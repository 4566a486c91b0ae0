using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Shipments;

/// <summary>Where one container is, as the fold has it after each event.</summary>
public sealed class ContainerProgress(ContainerNumber number)
{
    public ContainerNumber Number { get; } = number;
    public ContainerStatus Status { get; internal set; } = ContainerStatus.EXPECTED;
    public UnLocode? Location { get; internal set; }
    public ConveyanceKey? Aboard { get; internal set; }
    public CustomsStatus? Customs { get; internal set; }
    public TransitEvent? LastCustomsEvent { get; internal set; }
}

/// <summary>One planned leg and what has happened on it.</summary>
public sealed class LegProgress(PlannedLeg plan)
{
    public PlannedLeg Plan { get; } = plan;
    public LegStatus Status { get; internal set; } = LegStatus.PLANNED;
    public OffsetDateTime? PlannedDeparture { get; internal set; } = plan.PlannedDeparture;
    public OffsetDateTime? PlannedArrival { get; internal set; } = plan.PlannedArrival;
    public TransitEvent? EstimatedDeparture { get; internal set; }
    public TransitEvent? EstimatedArrival { get; internal set; }
    public OffsetDateTime? ActualDeparture { get; internal set; }
    public OffsetDateTime? ActualArrival { get; internal set; }

    /// <summary>Conveyances that took over this leg's containers mid-leg (rail gauge-change transhipment).</summary>
    public List<ConveyanceKey> TranshippedTo { get; } = [];

    public HashSet<ContainerNumber> Discharged { get; } = [];

    public bool IsCarriedBy(ConveyanceKey conveyance) => Plan.Conveyance == conveyance || TranshippedTo.Contains(conveyance);

    internal void Reach(LegStatus status)
    {
        if (status > Status)
        {
            Status = status;
        }
    }
}

/// <summary>The result of folding a booking's events: containers, legs, and the ordered event history.</summary>
public sealed class ShipmentProgress
{
    public required ShipmentBooking Booking { get; init; }
    public required IReadOnlyList<ContainerProgress> Containers { get; init; }
    public required IReadOnlyList<LegProgress> Legs { get; init; }

    /// <summary>Every event of the shipment, without duplicates, in fold order.</summary>
    public required IReadOnlyList<TransitEvent> History { get; init; }

    public bool AnyActualEvent { get; init; }

    public bool AllDelivered => Containers.All(c => c.Status == ContainerStatus.DELIVERED);

    public int CurrentLeg
    {
        get
        {
            for (var i = 0; i < Legs.Count; i++)
            {
                if (Legs[i].Status != LegStatus.COMPLETED)
                {
                    return i;
                }
            }

            return Legs.Count - 1;
        }
    }
}
