using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Domain.Shipments;

/// <summary>Everything the shipment grain keeps; the view is computed from it.</summary>
public sealed record ShipmentRecord(
    ShipmentBooking Booking,
    Instant BookedAt,
    Instant? CancelledAt,
    IReadOnlyCollection<TransitEvent> Events,
    IReadOnlyList<OutboxEntry> Outbox,
    IReadOnlyList<EtaChange> EtaHistory);

/// <summary>The shipment's derived state, and the triggers its latest events made due.</summary>
public sealed record ShipmentEvaluation(ShipmentProgress Progress, RefundAssessment Refund)
{
    public ShipmentStatus Status(Instant? cancelledAt) =>
        cancelledAt is not null ? ShipmentStatus.CANCELLED
        : Progress.AllDelivered ? ShipmentStatus.COMPLETED
        : Progress.AnyActualEvent ? ShipmentStatus.IN_TRANSIT
        : ShipmentStatus.BOOKED;
}

public static class ShipmentProjection
{
    public static ShipmentEvaluation Evaluate(ShipmentRecord record, RefundPolicyBook policies, Instant now)
    {
        var progress = ShipmentFold.Fold(record.Booking, record.Events);
        var refund = RefundWorkflow.Assess(progress, policies, now, record.CancelledAt, record.Outbox.Select(o => o.Trigger).ToList());
        return new ShipmentEvaluation(progress, refund);
    }

    /// <summary>The shipment as forwarders see it: every time that belongs to a place in that place's zone (<see cref="LocationZones"/>).</summary>
    public static ShipmentView View(ShipmentRecord record, ShipmentEvaluation evaluation, bool includeTimeline)
    {
        var progress = evaluation.Progress;
        var expected = EtaRule.Expected(progress.Legs);
        var legs = progress.Legs.Select((leg, i) => new LegView(
            leg.Plan.Mode,
            leg.Plan.ConveyanceId,
            leg.Plan.From.Value,
            leg.Plan.To.Value,
            leg.Status,
            leg.PlannedDeparture.AtPlace(leg.Plan.From),
            expected[i].EstimatedDeparture.AtPlace(leg.Plan.From),
            leg.ActualDeparture.AtPlace(leg.Plan.From),
            leg.PlannedArrival.AtPlace(leg.Plan.To),
            expected[i].EstimatedArrival.AtPlace(leg.Plan.To),
            leg.ActualArrival.AtPlace(leg.Plan.To),
            leg.TranshippedTo.Select(c => c.ConveyanceId).ToList())).ToList();
        var destination = progress.Booking.LastLeg.To;

        var containers = progress.Containers.Select(c => new ContainerView(
            c.Number.Value, c.Status, c.Location?.Value, c.Aboard?.ConveyanceId, c.Aboard?.Mode)).ToList();

        return new ShipmentView(
            record.Booking.ShipmentId,
            record.Booking.Forwarder,
            record.Booking.TradeMode,
            evaluation.Status(record.CancelledAt),
            containers,
            progress.CurrentLeg,
            legs,
            EtaRule.Eta(progress.Legs[^1], expected[^1]).AtPlace(destination),
            CustomsRule.Summarise(progress),
            TaxRefund(record, evaluation),
            includeTimeline ? progress.History.Select(TimelineEntry.Of).ToList() : null,
            record.BookedAt,
            record.CancelledAt,
            EtaHistoryAt(destination, record.EtaHistory));
    }

    /// <summary>What a shipment's subscribers are told about (<see cref="Webhooks.ShipmentChanges"/>), as it stands.</summary>
    public static ShipmentFacts Facts(ShipmentRecord record, ShipmentEvaluation evaluation) => new(
        evaluation.Status(record.CancelledAt),
        EtaRule.Eta(evaluation.Progress.Legs).AtPlace(record.Booking.LastLeg.To),
        TaxRefund(record, evaluation),
        record.Booking.Containers.Select(c => c.Value).ToList());

    private static TaxRefundView TaxRefund(ShipmentRecord record, ShipmentEvaluation evaluation)
    {
        var refund = evaluation.Refund;
        var triggers = record.Outbox.Select(o => new TriggerView(
            o.Trigger.MessageId, o.Trigger.Kind, o.Trigger.IssuedAt, o.DeliveredAt, o.Trigger.Reason)).ToList();
        return new TaxRefundView(refund.Status, refund.DeparturePort?.Value, refund.ExitPort?.Value, refund.Deadline, triggers);
    }

    /// <summary>
    /// The ETA's changes in the destination's zone. An ETA recorded again with only another offset (an estimate sent in
    /// UTC for the planned instant) is the same ETA there, so it is not shown as a change.
    /// </summary>
    private static List<EtaChange> EtaHistoryAt(UnLocode destination, IEnumerable<EtaChange> history)
    {
        var shown = new List<EtaChange>();
        foreach (var change in history.Select(c => c with { Eta = c.Eta.AtPlace(destination) }))
        {
            if (shown.Count == 0 || shown[^1].Eta != change.Eta)
            {
                shown.Add(change);
            }
        }

        return shown;
    }
}
