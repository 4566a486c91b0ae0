using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Shipments;

/// <summary>
/// The shipment's state as a pure function of its booking and its events, applied in
/// <see cref="TransitEvent.FoldOrder"/>: arrival order and duplicates do not change the result.
/// </summary>
public static class ShipmentFold
{
    public static ShipmentProgress Fold(ShipmentBooking booking, IEnumerable<TransitEvent> events)
    {
        var history = events
            .DistinctBy(e => e.EventId, StringComparer.Ordinal)
            .Order(TransitEvent.FoldOrder)
            .ToList();

        var containers = booking.Containers.ToDictionary(c => c, c => new ContainerProgress(c));
        var legs = booking.Legs.Select(l => new LegProgress(l)).ToList();
        var last = booking.LastLeg;
        var anyActual = false;
        var schedule = new Dictionary<(LegProgress, EventCode, EventClassifier), TransitEvent>();
        var moved = new HashSet<(ContainerNumber, ConveyanceKey)>(); // containers with a LOAD/DISC on a conveyance

        foreach (var e in history)
        {
            if (e.Classifier is EventClassifier.EST or EventClassifier.PLN)
            {
                ApplySchedule(legs, e, schedule);
                continue;
            }

            if (e.EventType == EventType.TRANSPORT)
            {
                anyActual |= ApplyTransport(legs, containers.Values, e, moved);
                continue;
            }

            if (e.ContainerNumber is not { } number || !containers.TryGetValue(number, out var container))
            {
                continue;
            }

            anyActual = true;
            if (EventVocabulary.MovesContainer(e.EventCode) && e.Conveyance is { } movedOn)
            {
                moved.Add((number, movedOn));
            }

            if (e.EventType == EventType.CUSTOMS)
            {
                ApplyCustoms(container, e);
            }
            else
            {
                ApplyEquipment(legs, last, container, e);
            }
        }

        foreach (var leg in legs)
        {
            if (booking.Containers.All(leg.Discharged.Contains))
            {
                leg.Reach(LegStatus.COMPLETED);
            }
        }

        return new ShipmentProgress
        {
            Booking = booking,
            Containers = booking.Containers.Select(c => containers[c]).ToList(),
            Legs = legs,
            History = history,
            AnyActualEvent = anyActual,
        };
    }

    /// <summary>EST and PLN events move a leg's expected times; the most recently received one wins.</summary>
    private static void ApplySchedule(
        List<LegProgress> legs,
        TransitEvent e,
        Dictionary<(LegProgress, EventCode, EventClassifier), TransitEvent> latest)
    {
        if (e.EventType != EventType.TRANSPORT || e.Conveyance is not { } conveyance)
        {
            return;
        }

        foreach (var leg in legs.Where(l => l.IsCarriedBy(conveyance)))
        {
            var departure = e.EventCode == EventCode.DEPA && e.Location == leg.Plan.From;
            var arrival = e.EventCode == EventCode.ARRI && e.Location == leg.Plan.To;
            var key = (leg, e.EventCode, e.Classifier);
            if (!(departure || arrival) || (latest.TryGetValue(key, out var current) && !IsNewer(e, current)))
            {
                continue;
            }

            // Events are folded by eventDateTime, so recency is decided by receivedAt (then id), for PLN as for EST.
            latest[key] = e;
            switch (e.Classifier)
            {
                case EventClassifier.EST when departure:
                    leg.EstimatedDeparture = e;
                    break;
                case EventClassifier.EST:
                    leg.EstimatedArrival = e;
                    break;
                case EventClassifier.PLN when departure:
                    leg.PlannedDeparture = e.EventDateTime;
                    break;
                default:
                    leg.PlannedArrival = e.EventDateTime;
                    break;
            }
        }
    }

    private static bool IsNewer(TransitEvent candidate, TransitEvent current) =>
        candidate.ReceivedAt > current.ReceivedAt
        || (candidate.ReceivedAt == current.ReceivedAt && string.CompareOrdinal(candidate.EventId, current.EventId) > 0);

    /// <summary>A conveyance's move applies to every container aboard it, and boards the containers booked on its leg.</summary>
    private static bool ApplyTransport(
        List<LegProgress> legs, IEnumerable<ContainerProgress> containers, TransitEvent e, HashSet<(ContainerNumber, ConveyanceKey)> moved)
    {
        if (e.Conveyance is not { } conveyance)
        {
            return false;
        }

        var carried = legs.Where(l => l.IsCarriedBy(conveyance)).ToList();
        var concernsShipment = false;
        var anyAboard = false;

        foreach (var container in containers)
        {
            if (container.Aboard == conveyance)
            {
                container.Location = e.Location;
                concernsShipment = anyAboard = true;
            }
            else if (e.EventCode == EventCode.DEPA
                     && container.Aboard is null
                     && container.Status != ContainerStatus.DELIVERED
                     && !moved.Contains((container.Number, conveyance))
                     && carried.Any(l => l.Plan.Conveyance == conveyance && l.Plan.From == e.Location))
            {
                // Booked on this leg and never reported loaded on or discharged from this conveyance (a container
                // loaded and discharged again was shut out): once the conveyance leaves the leg's origin, it is aboard.
                container.Status = ContainerStatus.ON_CONVEYANCE;
                container.Aboard = conveyance;
                container.Location = e.Location;
                concernsShipment = anyAboard = true;
            }
        }

        foreach (var leg in carried)
        {
            // Away from the leg's origin a move only counts with the shipment's containers aboard: a vessel leaving an
            // earlier port of call (it reports to every shipment booked on it) is not this leg departing.
            var underway = anyAboard || e.Location == leg.Plan.From;
            switch (e.EventCode)
            {
                case EventCode.DEPA when underway:
                    leg.Reach(LegStatus.DEPARTED);
                    concernsShipment = true;
                    if (e.Location == leg.Plan.From && leg.Plan.Conveyance == conveyance)
                    {
                        leg.ActualDeparture ??= e.EventDateTime;
                    }

                    break;
                case EventCode.CROS when underway:
                    leg.Reach(LegStatus.DEPARTED);
                    concernsShipment = true;
                    break;
                case EventCode.ARRI when e.Location == leg.Plan.To:
                    leg.Reach(LegStatus.ARRIVED);
                    leg.ActualArrival ??= e.EventDateTime;
                    concernsShipment = true;
                    break;
            }
        }

        return concernsShipment;
    }

    private static void ApplyEquipment(List<LegProgress> legs, PlannedLeg last, ContainerProgress container, TransitEvent e)
    {
        switch (e.EventCode)
        {
            case EventCode.LOAD when e.Conveyance is { } conveyance:
                container.Status = ContainerStatus.ON_CONVEYANCE;
                container.Aboard = conveyance;
                container.Location = e.Location;
                var leg = legs.FirstOrDefault(l => l.Plan.Conveyance == conveyance) ?? TranshipmentLeg(legs, conveyance, e);
                leg?.Reach(LegStatus.LOADING);
                break;

            case EventCode.DISC:
                foreach (var discharging in legs.Where(l => l.Plan.To == e.Location && (e.Conveyance is not { } c || l.IsCarriedBy(c))))
                {
                    discharging.Discharged.Add(container.Number);
                }

                SetDown(container, e, delivered: e.Location == last.To);
                break;

            case EventCode.GTOT:
                var atDestination = e.Location == last.To;
                if (atDestination)
                {
                    legs[^1].Discharged.Add(container.Number);
                }

                SetDown(container, e, atDestination);
                break;

            case EventCode.GTIN:
                SetDown(container, e, delivered: false);
                break;

            default: // STUF, STRP: work at a facility; a container aboard a conveyance stays aboard
                if (container.Aboard is null && container.Status != ContainerStatus.DELIVERED)
                {
                    SetDown(container, e, delivered: false);
                }

                break;
        }
    }

    /// <summary>
    /// A container loaded mid-leg onto another conveyance of the same mode (e.g. the broad-gauge train at
    /// Manzhouli) continues the leg in progress on that conveyance.
    /// </summary>
    private static LegProgress? TranshipmentLeg(List<LegProgress> legs, ConveyanceKey conveyance, TransitEvent e)
    {
        var leg = legs.LastOrDefault(l =>
            l.Plan.Mode == conveyance.Mode && l.Status is LegStatus.DEPARTED && e.Location != l.Plan.To);
        if (leg is not null && !leg.TranshippedTo.Contains(conveyance))
        {
            leg.TranshippedTo.Add(conveyance);
        }

        return leg;
    }

    private static void SetDown(ContainerProgress container, TransitEvent e, bool delivered)
    {
        container.Status = delivered ? ContainerStatus.DELIVERED : ContainerStatus.AT_FACILITY;
        container.Aboard = null;
        container.Location = e.Location;
    }

    private static void ApplyCustoms(ContainerProgress container, TransitEvent e)
    {
        container.Customs = e.EventCode switch
        {
            EventCode.CUSR => CustomsStatus.RELEASED,
            EventCode.CUSI => CustomsStatus.INSPECTION,
            EventCode.CUSH => CustomsStatus.HELD,
            _ => CustomsStatus.REVOKED,
        };
        container.LastCustomsEvent = e;
        if (container.Status == ContainerStatus.EXPECTED)
        {
            container.Status = ContainerStatus.AT_FACILITY;
            container.Location = e.Location;
        }
    }
}
