using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Domain.TaxRefund;

/// <summary>
/// Where the shipment stands under the departure-port refund policy, and which triggers are now due.
/// <see cref="RevocationDue"/>, while the refund is TRIGGERED: the instant after which, with no exit reported,
/// REFUND_REVOKED (DEADLINE_PASSED) is due; the shipment must be looked at again then even if no event arrives.
/// </summary>
public sealed record RefundAssessment(
    TaxRefundStatus Status,
    UnLocode? DeparturePort,
    UnLocode? ExitPort,
    OffsetDateTime? Deadline,
    IReadOnlyList<TaxRefundTrigger> Due,
    Instant? RevocationDue = null)
{
    public static readonly RefundAssessment NotApplicable = new(TaxRefundStatus.NOT_APPLICABLE, null, null, null, []);
}

/// <summary>
/// The departure-port tax refund (CaiShui [2020] No. 48 and its successors). REFUND_ELIGIBLE once the
/// declared, non-dangerous goods are released at a listed departure port and the qualifying leg's conveyance
/// has left it with every container aboard; then EXIT_CONFIRMED when every container leaves the exit port aboard
/// the onward vessel by the deadline (reported within the grace), or REFUND_REVOKED for whatever happened first of:
/// the deadline passing (judged once the grace is over), cancellation, the declaration being revoked, the goods
/// leaving the exit port some other way. Issued triggers are final. A trigger's release, departure and exit times
/// are shown in the zone of their port; its deadline is in China time.
/// </summary>
public static class RefundWorkflow
{
    public static RefundAssessment Assess(
        ShipmentProgress progress,
        RefundPolicyBook policies,
        Instant now,
        Instant? cancelledAt,
        IReadOnlyCollection<TaxRefundTrigger> issued)
    {
        var eligible = issued.FirstOrDefault(t => t.Kind == TaxRefundTriggerKind.REFUND_ELIGIBLE);
        var declaration = progress.Booking.ExportDeclaration;
        if (eligible is null && (declaration is null || declaration.DangerousGoods))
        {
            return RefundAssessment.NotApplicable;
        }

        var qualifying = eligible is null ? QualifyingLeg(progress, policies, now) : IssuedLeg(progress, eligible);
        if (qualifying is not var (legIndex, policy))
        {
            return RefundAssessment.NotApplicable;
        }

        var leg = progress.Legs[legIndex];
        var due = new List<TaxRefundTrigger>();
        if (eligible is null)
        {
            if (cancelledAt is not null || progress.Containers.Any(c => c.Customs == CustomsStatus.REVOKED))
            {
                return RefundAssessment.NotApplicable;
            }

            eligible = Eligibility(progress, leg, policy!, declaration!, now);
            if (eligible is null)
            {
                return new RefundAssessment(TaxRefundStatus.PENDING, leg.Plan.From, leg.Plan.To, null, []);
            }

            due.Add(eligible);
        }

        var status = TaxRefundStatus.TRIGGERED;
        var revocationDue = policies.RevocationDue(eligible);
        if (issued.Any(t => t.Kind == TaxRefundTriggerKind.EXIT_CONFIRMED))
        {
            status = TaxRefundStatus.EXIT_CONFIRMED;
        }
        else if (issued.Any(t => t.Kind == TaxRefundTriggerKind.REFUND_REVOKED))
        {
            status = TaxRefundStatus.REVOKED;
        }
        else if (Outcome(progress, legIndex, eligible, revocationDue, now, cancelledAt) is { } outcome)
        {
            due.Add(outcome);
            status = outcome.Kind == TaxRefundTriggerKind.EXIT_CONFIRMED ? TaxRefundStatus.EXIT_CONFIRMED : TaxRefundStatus.REVOKED;
        }

        return new RefundAssessment(
            status, leg.Plan.From, leg.Plan.To, eligible.Deadline, due, status == TaxRefundStatus.TRIGGERED ? revocationDue : null);
    }

    /// <summary>The first leg that a policy in force at its departure (actual, else planned, else now) covers.</summary>
    private static (int Index, RefundPolicy? Policy)? QualifyingLeg(ShipmentProgress progress, RefundPolicyBook policies, Instant now)
    {
        for (var i = 0; i < progress.Legs.Count; i++)
        {
            var leg = progress.Legs[i];
            var departure = (leg.ActualDeparture ?? leg.PlannedDeparture)?.ToInstant() ?? now;
            if (policies.Find(leg.Plan.Mode, leg.Plan.From, leg.Plan.To, departure) is { } policy)
            {
                return (i, policy);
            }
        }

        return null;
    }

    /// <summary>
    /// The leg REFUND_ELIGIBLE was issued for. From then on the policy book is not asked again: a port taken off
    /// the list later must not leave a granted refund without its EXIT_CONFIRMED or REFUND_REVOKED.
    /// </summary>
    private static (int Index, RefundPolicy? Policy)? IssuedLeg(ShipmentProgress progress, TaxRefundTrigger eligible)
    {
        for (var i = 0; i < progress.Legs.Count; i++)
        {
            var plan = progress.Legs[i].Plan;
            if (plan.ConveyanceId == eligible.ConveyanceId && plan.From.Value == eligible.DeparturePort && plan.To.Value == eligible.ExitPort)
            {
                return (i, null);
            }
        }

        return null;
    }

    /// <summary>
    /// REFUND_ELIGIBLE, once the leg's conveyance has actually departed from its <c>from</c> with every container
    /// aboard and released there (a release standing at the departure, <see cref="CustomsRule.StandingRelease"/>).
    /// </summary>
    private static TaxRefundTrigger? Eligibility(
        ShipmentProgress progress, LegProgress leg, RefundPolicy policy, Booking.ExportDeclaration declaration, Instant now)
    {
        var actual = progress.History.Where(e => e.IsActual).ToList();
        var departure = actual.FirstOrDefault(e =>
            e.EventCode == EventCode.DEPA && e.Conveyance == leg.Plan.Conveyance && e.Location == leg.Plan.From);
        if (departure is null || LoadsAboard(actual, progress.Booking.Containers, departure) is null)
        {
            return null;
        }

        var releases = progress.Booking.Containers
            .Select(c => CustomsRule.StandingRelease(actual, c, leg.Plan.From, departure.OccurredAt))
            .ToList();
        if (releases.Any(r => r is null))
        {
            return null;
        }

        return new TaxRefundTrigger(
            TaxRefundTriggerKind.REFUND_ELIGIBLE,
            progress.Booking.ShipmentId,
            declaration.Number,
            declaration.ExporterTaxId,
            progress.Booking.Containers.Select(c => c.Value).ToList(),
            leg.Plan.From.Value,
            leg.Plan.To.Value,
            leg.Plan.ConveyanceId,
            ReleasedAt: releases.MaxBy(r => r!.OccurredAt)!.EventDateTime.AtPlace(leg.Plan.From),
            DepartedAt: departure.EventDateTime.AtPlace(leg.Plan.From),
            ExitedAt: null,
            Deadline: RefundPolicyBook.ExitDeadline(policy, departure.OccurredAt),
            Reason: null,
            IssuedAt: now);
    }

    /// <summary>
    /// Each container's latest LOAD or DISC (on any conveyance) up to the departure, when every one of them is a LOAD
    /// onto the departing conveyance: all left aboard it. Null when one is missing, discharged since, or on another.
    /// </summary>
    private static List<TransitEvent>? LoadsAboard(List<TransitEvent> actual, IEnumerable<ContainerNumber> containers, TransitEvent departure)
    {
        var loads = new List<TransitEvent>();
        foreach (var container in containers)
        {
            var lastMove = actual.LastOrDefault(m => m.ContainerNumber == container
                && m.EventCode is EventCode.LOAD or EventCode.DISC && m.OccurredAt <= departure.OccurredAt);
            if (lastMove is not { EventCode: EventCode.LOAD } || lastMove.Conveyance != departure.Conveyance)
            {
                return null;
            }

            loads.Add(lastMove);
        }

        return loads;
    }

    /// <summary>
    /// EXIT_CONFIRMED or REFUND_REVOKED, whichever the events (and the clock) decided first; null while open. The exit
    /// counts when its departure is within the deadline's day and it was reported (its last event received) before
    /// <paramref name="revocationDue"/>; the deadline passing without such an exit revokes from that instant on.
    /// </summary>
    private static TaxRefundTrigger? Outcome(
        ShipmentProgress progress, int legIndex, TaxRefundTrigger eligible, Instant revocationDue, Instant now, Instant? cancelledAt)
    {
        var exitPort = progress.Legs[legIndex].Plan.To;
        var onward = legIndex + 1 < progress.Legs.Count ? progress.Legs[legIndex + 1].Plan : null;
        var vessel = onward is { Mode: TransportMode.VESSEL } && onward.From == exitPort ? onward.Conveyance : (ConveyanceKey?)null;
        var qualifying = progress.Legs[legIndex].Plan.Conveyance;
        var departed = eligible.DepartedAt!.Value.ToInstant();
        var tooLate = RefundPolicyBook.DeadlinePassesAt(eligible.Deadline!.Value);
        var actual = progress.History.Where(e => e.IsActual).ToList();
        var containers = progress.Booking.Containers;

        // The vessel's departure from the exit port with every container aboard, and when the last of that news came in.
        TransitEvent? exit = null;
        var exitReportedAt = Instant.MaxValue;
        foreach (var departure in actual.Where(e => e.EventCode == EventCode.DEPA && vessel is not null && e.Conveyance == vessel && e.Location == exitPort))
        {
            if (LoadsAboard(actual, containers, departure) is { } loads)
            {
                exit = departure;
                exitReportedAt = loads.Append(departure).Max(m => m.ReceivedAt);
                break;
            }
        }

        var exitInTime = exit is not null && exit.OccurredAt < tooLate && exitReportedAt < revocationDue;

        var causes = new List<(Instant At, RefundRevocationReason Reason)>();
        if (cancelledAt is { } cancelled)
        {
            causes.Add((cancelled, RefundRevocationReason.CANCELLED));
        }

        if (progress.Containers.Where(c => c.Customs == CustomsStatus.REVOKED).Select(c => c.LastCustomsEvent!).MinBy(e => e.OccurredAt) is { } revoked)
        {
            causes.Add((revoked.OccurredAt, RefundRevocationReason.DECLARATION_REVOKED));
        }

        var leftOtherwise = actual.FirstOrDefault(e =>
            e.Location == exitPort && e.ContainerNumber is { } c && containers.Contains(c) && e.OccurredAt >= departed
            && (e.EventCode == EventCode.GTOT
                || (e.EventCode == EventCode.LOAD && e.Conveyance != vessel && e.Conveyance != qualifying)));
        if (leftOtherwise is not null)
        {
            causes.Add((leftOtherwise.OccurredAt, RefundRevocationReason.NOT_EXPORTED));
        }

        if (!exitInTime && now >= revocationDue)
        {
            causes.Add((tooLate, RefundRevocationReason.DEADLINE_PASSED));
        }

        var first = causes.Count == 0 ? ((Instant, RefundRevocationReason)?)null : causes.MinBy(c => c.At);
        if (exitInTime && (first is null || exit!.OccurredAt <= first.Value.Item1))
        {
            return eligible with
            {
                Kind = TaxRefundTriggerKind.EXIT_CONFIRMED,
                ConveyanceId = vessel!.Value.ConveyanceId,
                ExitedAt = exit!.EventDateTime.AtPlace(exitPort),
                IssuedAt = now,
            };
        }

        return first is { } cause
            ? eligible with { Kind = TaxRefundTriggerKind.REFUND_REVOKED, Reason = cause.Item2, IssuedAt = now }
            : null;
    }
}
