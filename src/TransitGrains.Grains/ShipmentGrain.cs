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
using TransitGrains.Domain.Webhooks;

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

    /// <summary>When the shipment must be woken if nothing else happens: a refund deadline, what its outbox waits for.</summary>
    [Id(6)] public Instant? WakeUpAt { get; set; }

    /// <summary>Whose shipment it is, its status and when it was booked: what the forwarders' listing shows.</summary>
    [Id(7)] public ShipmentListing? Listing { get; set; }

    /// <summary>Webhook notifications not yet delivered (or given up), in the order they were made.</summary>
    [Id(20)] public List<NotificationEntry> Notifications { get; set; } = [];

    /// <summary>How many notifications the shipment has made: the next one's sequence number.</summary>
    [Id(21)] public long NotificationsMade { get; set; }
}

/// <summary>
/// Owns a shipment's booking and events; everything shown is folded from them by the domain. The tax triggers and
/// webhook notifications a change causes are added to the outbox in the same write as the change, then delivered by
/// the <see cref="Outbox"/>; the wake-up time stored in that write is the outbox's safety net after a crash, and what
/// revokes a refund whose deadline passes in silence.
/// </summary>
public sealed class ShipmentGrain(
    [PersistentState("shipment", StorageNames.Transit)] IPersistentState<ShipmentState> state,
    IClock clock,
    RefundPolicyBook policies,
    ITaxRefundTriggerPublisher publisher,
    SubscriptionDirectory subscriptions,
    WebhookRetrySchedule retries,
    ILogger<ShipmentGrain> logger) : Grain, IShipmentGrain
{
    // The booked shipment as last written (a copy, since the state changes during a write) and the instant it was
    // evaluated at: what reads are answered from. The evaluation itself is folded again for each read, not kept, so an
    // idle shipment holds little more than its state.
    private (ShipmentRecord Record, Instant EvaluatedAt)? _durable;
    private Instant _evaluatedAt;
    private Instant? _revocationDue;
    private Outbox _outbox = null!;
    private TaxTriggerChannel _taxTriggers = null!;
    private NotificationChannel _notifications = null!;

    private string ShipmentId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _taxTriggers = new TaxTriggerChannel(() => state.State.Outbox, publisher, clock, logger);
        _notifications = new NotificationChannel(() => state.State.Notifications, GrainFactory, clock, retries, logger);
        _outbox = new Outbox(this, clock, Write, _taxTriggers, _notifications);
        if (state.State.Booking is not null)
        {
            EvaluateForWrite();
            RememberDurable();
        }

        _outbox.Resume();
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

        var status = Evaluate().Status(state.State.CancelledAt);
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
        var accepted = events.Where((_, i) => isNew[i]).ToList();
        if (accepted.Count > 0)
        {
            await Commit(accepted[0].EventId, accepted);
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
        && Evaluate().Status(state.State.CancelledAt) is ShipmentStatus.BOOKED or ShipmentStatus.IN_TRANSIT);

    public Task<string?> Forwarder() => Task.FromResult(state.State.Booking?.Forwarder);

    public async Task WakeUp()
    {
        // The deadline may pass with no event ever arriving again: the clock alone can revoke the refund. The write also
        // stores the next wake-up time and the listing (none for a shipment not booked yet, which is then not woken again).
        await Commit("wake-up");
        _outbox.Resume();
    }

    /// <summary>Adds the events not seen before; answers, in order, which were new.</summary>
    private bool[] Store(IEnumerable<TransitEvent> events)
    {
        var known = state.State.Events.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        return events.Select(e =>
        {
            if (!known.Add(e.EventId))
            {
                return false;
            }

            state.State.Events.Add(e);
            return true;
        }).ToArray();
    }

    /// <summary>
    /// Re-derives the state, adds the triggers it made due and the notifications its subscribers want, records an ETA
    /// change, and writes it all at once.
    /// </summary>
    private async Task Commit(string cause, IReadOnlyList<TransitEvent>? accepted = null)
    {
        if (state.State.Booking is null)
        {
            await state.WriteOrReload(this); // events that came before the booking (fan-out racing a crash) are kept
            return;
        }

        var evaluation = EvaluateForWrite();
        var now = _evaluatedAt;
        var eta = EtaRule.Eta(evaluation.Progress.Legs);
        if (state.State.EtaHistory.Count == 0 || state.State.EtaHistory[^1].Eta != eta)
        {
            state.State.EtaHistory.Add(new EtaChange(now, eta, cause));
        }

        var triggered = _taxTriggers.Add(evaluation.Refund.Due);
        var notified = _notifications.Add(await Notifications(accepted ?? [], now, evaluation));
        state.State.Listing = new ShipmentListing(state.State.Booking.Forwarder, evaluation.Status(state.State.CancelledAt), state.State.BookedAt);
        await Write();
        if (triggered || notified)
        {
            _outbox.Deliver();
        }
    }

    /// <summary>
    /// What subscribers are told of this write, as against the last one (the booking is where it starts), addressed with
    /// this silo's copy of the subscriptions.
    /// </summary>
    private async Task<IReadOnlyList<NotificationEntry>> Notifications(IReadOnlyList<TransitEvent> accepted, Instant now, ShipmentEvaluation after)
    {
        var forwarder = state.State.Booking!.Forwarder;
        var index = await subscriptions.CurrentAsync();
        if (_durable is not { } before || index.Seeing(forwarder).Count == 0)
        {
            return [];
        }

        var changes = ShipmentChanges.Between(ShipmentProjection.Facts(before.Record, Evaluated(before)),
            ShipmentProjection.Facts(Record(), after), accepted, ShipmentId, now, state.State.NotificationsMade);
        state.State.NotificationsMade += changes.Count;
        return index.Address(forwarder, changes);
    }

    /// <summary>
    /// Writes the state with the earliest moment the shipment must act without being called (what its outbox waits for,
    /// the moment the clock alone revokes the refund), and answers reads from it from then on.
    /// </summary>
    private async Task Write()
    {
        state.State.WakeUpAt = new[] { _outbox.WakeUpAt(clock.GetCurrentInstant()), _revocationDue }.Min();
        await state.WriteOrReload(this);
        RememberDurable();
    }

    private ShipmentRecord Record() => new(
        state.State.Booking!, state.State.BookedAt, state.State.CancelledAt, state.State.Events, state.State.Outbox, state.State.EtaHistory);

    /// <summary>Folds the shipment as it stands now.</summary>
    private ShipmentEvaluation Evaluate() => ShipmentProjection.Evaluate(Record(), policies, clock.GetCurrentInstant());

    /// <summary>Folds the shipment for the next write, which stores when it was folded and when its refund is revoked.</summary>
    private ShipmentEvaluation EvaluateForWrite()
    {
        _evaluatedAt = clock.GetCurrentInstant();
        var evaluation = ShipmentProjection.Evaluate(Record(), policies, _evaluatedAt);
        _revocationDue = evaluation.Refund.RevocationDue;
        return evaluation;
    }

    /// <summary>The evaluation a stored record had when it was written: a pure function of the record and that instant.</summary>
    private ShipmentEvaluation Evaluated((ShipmentRecord Record, Instant EvaluatedAt) stored) =>
        ShipmentProjection.Evaluate(stored.Record, policies, stored.EvaluatedAt);

    private void RememberDurable()
    {
        var s = state.State;
        _durable = (new ShipmentRecord(s.Booking!, s.BookedAt, s.CancelledAt, [.. s.Events], [.. s.Outbox], [.. s.EtaHistory]), _evaluatedAt);
    }

    private ShipmentView View(bool includeTimeline) =>
        ShipmentProjection.View(_durable!.Value.Record, Evaluated(_durable.Value), includeTimeline);
}
