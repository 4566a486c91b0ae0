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

namespace TransitGrains.Grains;

[GenerateSerializer]
public sealed class ShipmentState : IWakeUpTime
{
    [Id(0)] public ShipmentBooking? Booking { get; set; }
    [Id(1)] public Instant BookedAt { get; set; }
    [Id(2)] public Instant? CancelledAt { get; set; }
    [Id(3)] public List<TransitEvent> Events { get; set; } = [];
    [Id(4)] public List<OutboxEntry> Outbox { get; set; } = [];
    [Id(5)] public List<EtaChange> EtaHistory { get; set; } = [];

    /// <summary>When the shipment must be woken if nothing else happens: a refund deadline, what its outbox waits for.</summary>
    [Id(6)] public Instant? WakeUpAt { get; set; }
}

/// <summary>
/// Owns a shipment's booking and events; everything shown is folded from them by the domain. Tax triggers are
/// added to the outbox in the same write as the events that cause them, then delivered by the <see cref="Outbox"/>;
/// the wake-up time stored in that write is the outbox's safety net after a crash, and what revokes a refund whose
/// deadline passes in silence.
/// </summary>
public sealed class ShipmentGrain(
    [PersistentState("shipment", StorageNames.Transit)] IPersistentState<ShipmentState> state,
    IClock clock,
    RefundPolicyBook policies,
    ITaxRefundTriggerPublisher publisher,
    ILogger<ShipmentGrain> logger) : Grain, IShipmentGrain
{
    private readonly HashSet<string> _eventIds = new(StringComparer.Ordinal);
    private ShipmentEvaluation? _evaluation;

    // The booked shipment as last written (a copy, since the state changes during a write): what reads are answered from.
    private (ShipmentRecord Record, ShipmentEvaluation Evaluation)? _durable;
    private Outbox _outbox = null!;

    private string ShipmentId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _outbox = new Outbox(this, clock, Write, new TaxTriggerChannel(() => state.State.Outbox, publisher, clock, logger));
        _eventIds.UnionWith(state.State.Events.Select(e => e.EventId));
        if (state.State.Booking is not null)
        {
            _evaluation = Evaluate();
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

        var claims = await Task.WhenAll(booking.Containers.Select(c => GrainFactory.GetGrain<IContainerGrain>(c.Value).Claim(ShipmentId)));
        var conflict = booking.Containers.Zip(claims).FirstOrDefault(p => p.Second.ConflictingShipmentId is not null);
        if (conflict.Second is { } refused)
        {
            // Give back the containers this attempt did claim, or their events would be routed to a shipment
            // that was never booked, and lost to the one that books them next.
            await Task.WhenAll(booking.Containers.Select(c => GrainFactory.GetGrain<IContainerGrain>(c.Value).Unclaim(ShipmentId)));
            return new BookingResult(BookingOutcome.ContainerConflict, null,
                $"container {conflict.First} is on active shipment {refused.ConflictingShipmentId}", refused.ConflictingShipmentId);
        }

        var missed = await Task.WhenAll(booking.Legs.Select(leg =>
            GrainFactory.GetGrain<IConveyanceGrain>(leg.Conveyance.ToString())
                .RegisterLeg(new BookedLeg(ShipmentId, leg.From, booking.Containers))));

        var kept = claims.SelectMany(c => c.KeptEvents).ToList();
        var followed = await FollowConveyancesOutsideLegs(booking, kept);

        state.State.Booking = booking;
        state.State.BookedAt = clock.GetCurrentInstant();
        Store(kept.Concat(missed.SelectMany(m => m)).Concat(followed.SelectMany(f => f.FanOut).SelectMany(f => f.Events)));
        await Commit("booked");
        await Task.WhenAll(followed.Select(f => f.Conveyance.Acknowledge(f.FanOut)));

        foreach (var (container, claim) in booking.Containers.Zip(claims).Where(p => p.Second.KeptEvents.Count > 0))
        {
            await GrainFactory.GetGrain<IContainerGrain>(container.Value)
                .HandedOver(ShipmentId, claim.KeptEvents.Select(e => e.EventId).ToList());
        }

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
        if (state.State.Booking is null)
        {
            return;
        }

        // The deadline may pass with no event ever arriving again: the clock alone can revoke the refund. The write also
        // stores the next wake-up time.
        await Commit("wake-up");
        _outbox.Resume();
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

        await Write();
        if (due.Count > 0)
        {
            _outbox.Deliver();
        }
    }

    /// <summary>
    /// Writes the state with the earliest moment the shipment must act without being called (what its outbox waits for,
    /// the moment the clock alone revokes the refund), and answers reads from it from then on.
    /// </summary>
    private async Task Write()
    {
        state.State.WakeUpAt = new[] { _outbox.WakeUpAt(clock.GetCurrentInstant()), _evaluation!.Refund.RevocationDue }.Min();
        await state.WriteOrReload(this);
        RememberDurable();
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
