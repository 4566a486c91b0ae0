using Microsoft.Extensions.Logging;
using NodaTime;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.TaxQueue;

namespace TransitGrains.Grains;

[GenerateSerializer]
public sealed class ShipmentState : IWakeUpTime, IListedShipment
{
    [Id(0)] public ShipmentBooking? Booking { get; set; }
    [Id(1)] public Instant BookedAt { get; set; }
    [Id(2)] public Instant? CancelledAt { get; set; }
    [Id(3)] public List<TransitEvent> Events { get; set; } = [];
    [Id(4)] public List<OutboxEntry> Outbox { get; set; } = [];
    [Id(5)] public List<EtaChange> EtaHistory { get; set; } = [];

    /// <summary>When the shipment must be woken if nothing else happens: a refund deadline, an undelivered trigger.</summary>
    [Id(6)] public Instant? WakeUpAt { get; set; }

    /// <summary>Whose shipment it is, its status and when it was booked: what the forwarders' listing shows.</summary>
    [Id(7)] public ShipmentListing? Listing { get; set; }
}

/// <summary>
/// Owns a shipment's booking and events; everything shown is folded from them by the domain. Tax triggers are
/// added to the outbox in the same write as the events that cause them, then delivered by a timer; the wake-up time
/// stored in that write is the safety net after a crash, and what revokes a refund whose deadline passes in silence.
/// </summary>
public sealed class ShipmentGrain(
    [PersistentState("shipment", StorageNames.Transit)] IPersistentState<ShipmentState> state,
    IClock clock,
    RefundPolicyBook policies,
    ITaxRefundTriggerPublisher publisher,
    ILogger<ShipmentGrain> logger) : Grain, IShipmentGrain
{
    /// <summary>
    /// How long an undelivered trigger may wait before the stored wake-up brings the shipment back. The timer delivers
    /// within a second and retries at least every 30 seconds, rewriting the wake-up each time: it only comes due after a crash.
    /// </summary>
    private static readonly Duration OutboxSafetyNet = Duration.FromMinutes(1);

    private readonly HashSet<string> _eventIds = new(StringComparer.Ordinal);
    private ShipmentEvaluation? _evaluation;

    // The booked shipment as last written (a copy, since the state changes during a write): what reads are answered from.
    private (ShipmentRecord Record, ShipmentEvaluation Evaluation)? _durable;
    private IGrainTimer? _deliveryTimer;

    private string ShipmentId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _eventIds.UnionWith(state.State.Events.Select(e => e.EventId));
        if (state.State.Booking is not null)
        {
            _evaluation = Evaluate();
            RememberDurable();
        }

        if (state.State.Outbox.Any(o => o.DeliveredAt is null))
        {
            StartDelivery();
        }

        return Task.CompletedTask;
    }

    public async Task<BookingResult> Book(ShipmentBooking booking)
    {
        if (state.State.Booking is { } existing)
        {
            return existing.SameAs(booking)
                ? new BookingResult(BookingOutcome.AlreadyBooked, View(true), null, null)
                : new BookingResult(BookingOutcome.ShipmentConflict, null,
                    $"shipment {ShipmentId} is already booked with different details", ShipmentId);
        }

        // Containers are claimed and legs registered at the same time, so their writes share one group commit.
        var claiming = Task.WhenAll(booking.Containers.Select(c => GrainFactory.GetGrain<IContainerGrain>(c.Value).Claim(ShipmentId)));
        var registering = Task.WhenAll(booking.Legs.Select(leg =>
            GrainFactory.GetGrain<IConveyanceGrain>(leg.Conveyance.ToString())
                .RegisterLeg(new BookedLeg(ShipmentId, leg.From, booking.Containers))));
        var claims = await claiming;
        var missed = await registering;
        var conflict = booking.Containers.Zip(claims).FirstOrDefault(p => p.Second.ConflictingShipmentId is not null);
        if (conflict.Second is { } refused)
        {
            // Give back the containers this attempt did claim, or their events would be routed to a shipment that was
            // never booked, and lost to the one that books them next; and leave the conveyances as they were.
            await Task.WhenAll(booking.Containers.Select(c => GrainFactory.GetGrain<IContainerGrain>(c.Value).Unclaim(ShipmentId))
                .Concat(booking.Legs.Select(l => l.Conveyance.ToString()).Distinct()
                    .Select(key => GrainFactory.GetGrain<IConveyanceGrain>(key).UnregisterLeg(ShipmentId))));
            return new BookingResult(BookingOutcome.ContainerConflict, null,
                $"container {conflict.First} is on active shipment {refused.ConflictingShipmentId}", refused.ConflictingShipmentId);
        }

        var kept = claims.SelectMany(c => c.KeptEvents).ToList();
        var followed = await FollowConveyancesOutsideLegs(booking, kept);

        state.State.Booking = booking;
        state.State.BookedAt = clock.GetCurrentInstant();
        Store(kept.Concat(missed.SelectMany(m => m)).Concat(followed.SelectMany(f => f.FanOut).SelectMany(f => f.Events)));
        await Commit("booked");
        await Task.WhenAll(followed.Select(f => f.Conveyance.Acknowledge(f.FanOut)));

        await Task.WhenAll(booking.Containers.Zip(claims).Where(p => p.Second.KeptEvents.Count > 0).Select(p =>
            GrainFactory.GetGrain<IContainerGrain>(p.First.Value).HandedOver(ShipmentId, p.Second.KeptEvents.Select(e => e.EventId).ToList())));

        return new BookingResult(BookingOutcome.Created, View(true), null, null);
    }

    /// <summary>
    /// Containers reported loaded, before this booking, onto a conveyance none of its legs names (the broad-gauge
    /// train after a gauge change): the shipment follows that conveyance too, and takes the transport events it
    /// has missed, or that train's moves would never reach it.
    /// </summary>
    private async Task<(IConveyanceGrain Conveyance, List<FanOut> FanOut)[]> FollowConveyancesOutsideLegs(
        ShipmentBooking booking, List<TransitEvent> kept) =>
        await Task.WhenAll(kept
            .Where(e => EventVocabulary.MovesContainer(e.EventCode) && booking.Legs.All(l => l.Conveyance != e.Conveyance))
            .GroupBy(e => e.Conveyance!.Value)
            .Select(async moves =>
            {
                var conveyance = GrainFactory.GetGrain<IConveyanceGrain>(moves.Key.ToString());
                var fanOut = await conveyance.RecordMoves(moves.Select(e => new ContainerMove(e, ShipmentId)).ToList());
                return (conveyance, fanOut.Where(f => f.ShipmentId == ShipmentId).ToList());
            }));

    public Task<ShipmentView?> GetView(bool includeTimeline) =>
        Task.FromResult(_durable is null ? null : View(includeTimeline));

    public async Task<CancellationResult> Cancel()
    {
        if (state.State.Booking is not { } booking)
        {
            return new CancellationResult(CancellationOutcome.NotFound, null, null);
        }

        var status = _evaluation!.Status(state.State.CancelledAt);
        if (status is ShipmentStatus.COMPLETED or ShipmentStatus.CANCELLED)
        {
            return new CancellationResult(CancellationOutcome.NotCancellable, null,
                $"shipment {ShipmentId} is {status} and cannot be cancelled");
        }

        state.State.CancelledAt = clock.GetCurrentInstant();
        await Commit("cancelled");

        await Task.WhenAll(booking.Containers.Select(c => GrainFactory.GetGrain<IContainerGrain>(c.Value).Release(
            ShipmentId, state.State.Events.Where(e => e.ContainerNumber == c).Select(e => e.EventId).ToList())));
        await Task.WhenAll(booking.Legs.Select(l => l.Conveyance.ToString()).Distinct()
            .Select(key => GrainFactory.GetGrain<IConveyanceGrain>(key).UnregisterLeg(ShipmentId)));
        return new CancellationResult(CancellationOutcome.Cancelled, View(true), null);
    }

    public async Task<IReadOnlyList<bool>> Apply(IReadOnlyList<TransitEvent> events)
    {
        var isNew = Store(events);
        var firstNew = Array.IndexOf(isNew, true);
        if (firstNew >= 0)
        {
            await Commit(events[firstNew].EventId);
        }

        return isNew;
    }

    public async Task Redeliver(string conveyanceKey, IReadOnlyList<TransitEvent> events)
    {
        await Apply(events);
        await GrainFactory.GetGrain<IConveyanceGrain>(conveyanceKey).Acknowledge([new FanOut(ShipmentId, events)]);
    }

    public Task<bool> HoldsContainer(ContainerNumber container) => Task.FromResult(
        state.State.Booking is { } booking
        && booking.Containers.Contains(container)
        && _evaluation!.Status(state.State.CancelledAt) is ShipmentStatus.BOOKED or ShipmentStatus.IN_TRANSIT);

    public Task<string?> Forwarder() => Task.FromResult(state.State.Booking?.Forwarder);

    public async Task WakeUp()
    {
        // The deadline may pass with no event ever arriving again: the clock alone can revoke the refund. The write also
        // stores the next wake-up time and the listing (none for a shipment not booked yet, which is then not woken again).
        await Commit("wake-up");
        if (state.State.Outbox.Any(o => o.DeliveredAt is null))
        {
            StartDelivery();
        }
    }

    /// <summary>Adds the events not seen before; answers, in order, which were new.</summary>
    private bool[] Store(IEnumerable<TransitEvent> events)
    {
        return events.Select(e =>
        {
            if (!_eventIds.Add(e.EventId))
            {
                return false;
            }

            state.State.Events.Add(e);
            return true;
        }).ToArray();
    }

    /// <summary>Re-derives the state, adds the triggers it made due, records an ETA change, and writes it all at once.</summary>
    private async Task Commit(string cause)
    {
        if (state.State.Booking is null)
        {
            await state.WriteOrReload(this); // events that came before the booking (fan-out racing a crash) are kept
            return;
        }

        var now = clock.GetCurrentInstant();
        _evaluation = Evaluate();
        var due = _evaluation.Refund.Due;
        foreach (var trigger in due)
        {
            state.State.Outbox.Add(OutboxEntry.Pending(trigger));
            TransitMetrics.TaxTriggerAdded(trigger.Kind);
        }

        var eta = EtaRule.Eta(_evaluation.Progress.Legs);
        if (state.State.EtaHistory.Count == 0 || state.State.EtaHistory[^1].Eta != eta)
        {
            state.State.EtaHistory.Add(new EtaChange(now, eta, cause));
        }

        state.State.WakeUpAt = NextWakeUp(now);
        state.State.Listing = new ShipmentListing(state.State.Booking.Forwarder, _evaluation.Status(state.State.CancelledAt), state.State.BookedAt);
        await state.WriteOrReload(this);
        RememberDurable();
        if (due.Count > 0)
        {
            StartDelivery();
        }
    }

    /// <summary>
    /// The earliest moment the shipment must act without being called: an undelivered trigger (after a crash, since the
    /// timer delivers long before), or the moment the clock alone revokes the refund.
    /// </summary>
    private Instant? NextWakeUp(Instant now)
    {
        Instant? next = state.State.Outbox.Any(o => o.DeliveredAt is null) ? now + OutboxSafetyNet : null;
        var refund = _evaluation!.Refund;
        if (refund.Status == TaxRefundStatus.TRIGGERED && refund.RevocationDue is { } revocationDue)
        {
            // Revocation is due from that instant on (the deadline's day over, plus the grace for a late exit report).
            next = next is { } sooner && sooner < revocationDue ? sooner : revocationDue;
        }

        return next;
    }

    private void StartDelivery()
    {
        _deliveryTimer ??= this.RegisterGrainTimer(
            DeliverOutbox, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }

    private async Task DeliverOutbox()
    {
        var now = clock.GetCurrentInstant();
        var changed = false;
        for (var i = 0; i < state.State.Outbox.Count; i++)
        {
            var entry = state.State.Outbox[i];
            if (!entry.IsDue(now))
            {
                continue;
            }

            try
            {
                await publisher.PublishAsync(TaxRefundMessages.ToMessage(entry.Trigger), CancellationToken.None);
                state.State.Outbox[i] = entry.Delivered(clock.GetCurrentInstant());
                TransitMetrics.TaxTriggerDelivered();
            }
            catch (Exception ex)
            {
                state.State.Outbox[i] = entry.Failed(now);
                logger.LogWarning(ex, "Tax trigger {MessageId} not delivered (attempt {Attempt}); will retry",
                    entry.Trigger.MessageId, entry.FailedAttempts + 1);
            }

            changed = true;
        }

        if (changed)
        {
            state.State.WakeUpAt = NextWakeUp(now);
            await state.WriteOrReload(this);
            RememberDurable();
        }

        if (state.State.Outbox.All(o => o.DeliveredAt is not null))
        {
            _deliveryTimer?.Dispose();
            _deliveryTimer = null;
        }
    }

    private ShipmentRecord Record() => new(
        state.State.Booking!, state.State.BookedAt, state.State.CancelledAt, state.State.Events, state.State.Outbox, state.State.EtaHistory);

    private ShipmentEvaluation Evaluate() => ShipmentProjection.Evaluate(Record(), policies, clock.GetCurrentInstant());

    private void RememberDurable()
    {
        var s = state.State;
        _durable = (new ShipmentRecord(s.Booking!, s.BookedAt, s.CancelledAt, [.. s.Events], [.. s.Outbox], [.. s.EtaHistory]), _evaluation!);
    }

    private ShipmentView View(bool includeTimeline) =>
        ShipmentProjection.View(_durable!.Value.Record, _durable.Value.Evaluation, includeTimeline);
}
