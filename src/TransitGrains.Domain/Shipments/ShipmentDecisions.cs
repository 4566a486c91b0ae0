using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Domain.Shipments;

/// <summary>
/// What a shipment decides when events reach it, it is cancelled, or the clock moves: the shipment folded anew, the ETA
/// change to record, the refund triggers now due, the notifications its subscribers want, its status for the listing,
/// and when the clock alone must wake it (the refund's revocation).
/// </summary>
public sealed record ShipmentDecision(
    ShipmentRecord After,
    ShipmentEvaluation Evaluation,
    ShipmentStatus Status,
    EtaChange? Eta,
    IReadOnlyList<TaxRefundTrigger> Triggers,
    IReadOnlyList<NotificationEntry> Notifications,
    long NotificationsMade,
    Instant? RevocationDue)
{
    /// <summary>Whether anything must be stored before it is shown or acted on (the events themselves already are).</summary>
    public bool IsWorthRecording(ShipmentStatus listed) =>
        Eta is not null || Triggers.Count > 0 || Notifications.Count > 0 || Status != listed;

    /// <summary>The decision as the journal keeps it; <paramref name="covers"/> are the events it saw first.</summary>
    public ShipmentDecided ToRecord(IReadOnlyList<string> covers) =>
        new(covers, Eta, Triggers.Select(OutboxEntry.Pending).ToList(), Notifications, NotificationsMade, Status);
}

public static class ShipmentDecisions
{
    /// <summary>
    /// The one decision function of a shipment. <paramref name="before"/> is the shipment as its last decision saw it (with
    /// every event decided so far), <paramref name="accepted"/> the events it has not decided on yet, <paramref name="cause"/>
    /// what the ETA history names as the reason of a change. A booking (<paramref name="isBooking"/>) notifies no one: its
    /// subscribers hear from the first change after it. Subscribers are matched in <paramref name="subscriptions"/>, and
    /// their notifications numbered from <paramref name="notificationsMade"/>. <paramref name="cancelledAt"/> is given when
    /// the decision is on a cancellation.
    /// </summary>
    public static ShipmentDecision Decide(
        ShipmentRecord before,
        IReadOnlyList<TransitEvent> accepted,
        string cause,
        bool isBooking,
        long notificationsMade,
        SubscriptionIndex subscriptions,
        RefundPolicyBook policies,
        Instant now,
        Instant? cancelledAt = null)
    {
        var after = before with { Events = [.. before.Events, .. accepted], CancelledAt = cancelledAt ?? before.CancelledAt };
        var evaluation = ShipmentProjection.Evaluate(after, policies, now);
        var eta = EtaRule.Eta(evaluation.Progress.Legs);
        var etaChange = before.EtaHistory.Count == 0 || before.EtaHistory[^1].Eta != eta ? new EtaChange(now, eta, cause) : null;

        var forwarder = before.Booking.Forwarder;
        IReadOnlyList<NotificationEntry> notifications = [];
        var made = notificationsMade;
        if (!isBooking && subscriptions.Seeing(forwarder).Count > 0)
        {
            var triggered = after with { Outbox = [.. after.Outbox, .. evaluation.Refund.Due.Select(OutboxEntry.Pending)] };
            var changes = ShipmentChanges.Between(
                ShipmentProjection.Facts(before, ShipmentProjection.Evaluate(before, policies, now)),
                ShipmentProjection.Facts(triggered, evaluation),
                accepted,
                before.Booking.ShipmentId,
                now,
                notificationsMade);
            made += changes.Count;
            notifications = subscriptions.Address(forwarder, changes);
        }

        return new ShipmentDecision(
            after,
            evaluation,
            evaluation.Status(after.CancelledAt),
            etaChange,
            evaluation.Refund.Due,
            notifications,
            made,
            evaluation.Refund.RevocationDue);
    }
}
