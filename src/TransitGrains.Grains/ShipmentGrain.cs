using Microsoft.Extensions.Logging;
using NodaTime;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Outbox;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains;

/// <summary>
/// A shipment folded from its journal stream: its booking, events and decisions, up to <see cref="Position"/>. Also the
/// snapshot that Orleans' grain storage keeps of it, so an activation reads only the stream after it.
/// </summary>
[GenerateSerializer]
public sealed class ShipmentState
{
    [Id(0)] public ShipmentBooking? Booking { get; set; }
    [Id(1)] public Instant BookedAt { get; set; }
    [Id(2)] public Instant? CancelledAt { get; set; }
    [Id(3)] public List<TransitEvent> Events { get; set; } = [];
    [Id(4)] public List<OutboxEntry> Outbox { get; set; } = [];
    [Id(5)] public List<EtaChange> EtaHistory { get; set; } = [];

    /// <summary>Webhook notifications not yet delivered (or given up), in the order they were made.</summary>
    [Id(6)] public List<NotificationEntry> Notifications { get; set; } = [];

    /// <summary>How many notifications the shipment has made: the next one's sequence number.</summary>
    [Id(7)] public long NotificationsMade { get; set; }

    /// <summary>The status its latest decision recorded: what the listing shows.</summary>
    [Id(8)] public ShipmentStatus Listed { get; set; }

    /// <summary>Events of the stream that no recorded decision covers yet: decided again after a crash.</summary>
    [Id(9)] public List<string> Undecided { get; set; } = [];

    /// <summary>The journal position this state is folded up to: every entry of the stream up to it is in it.</summary>
    [Id(10)] public long Position { get; set; }

    /// <summary>The wake-up row as last journaled (null: none).</summary>
    [Id(11)] public WakeUp? WakeUp { get; set; }

    public ShipmentState Copy() => new()
    {
        Booking = Booking,
        BookedAt = BookedAt,
        CancelledAt = CancelledAt,
        Events = [.. Events],
        Outbox = [.. Outbox],
        EtaHistory = [.. EtaHistory],
        Notifications = [.. Notifications],
        NotificationsMade = NotificationsMade,
        Listed = Listed,
        Undecided = [.. Undecided],
        Position = Position,
        WakeUp = WakeUp,
    };

    /// <summary>Adds an event journaled for the shipment, unless it has it; answers whether it was new.</summary>
    public bool Add(TransitEvent e, ISet<string> known)
    {
        if (!known.Add(e.EventId))
        {
            return false;
        }

        Events.Add(e);
        Undecided.Add(e.EventId);
        return true;
    }

    /// <summary>
    /// Applies a journaled record. Applying one twice changes nothing (a group run again after its connection broke may
    /// have journaled it twice).
    /// </summary>
    public void Apply(JournalRecord record)
    {
        switch (record)
        {
            case ShipmentBooked booked:
                Booking = booked.Booking;
                BookedAt = booked.BookedAt;
                if (EtaHistory.Count == 0)
                {
                    EtaHistory.Add(booked.InitialEta);
                }

                Listed = ShipmentStatus.BOOKED;
                break;
            case ShipmentCancelled cancelled:
                CancelledAt ??= cancelled.CancelledAt;
                break;
            case ShipmentDecided decided:
                var covered = decided.Covers.ToHashSet(StringComparer.Ordinal);
                Undecided.RemoveAll(covered.Contains);
                if (decided.Eta is { } eta && (EtaHistory.Count == 0 || EtaHistory[^1] != eta))
                {
                    EtaHistory.Add(eta);
                }

                (Outbox, Notifications) = OutboxAfter(decided);
                NotificationsMade = Math.Max(NotificationsMade, decided.NotificationsMade);
                Listed = decided.Status;
                break;
            case OutboxAttempted attempted:
                (Outbox, Notifications) = OutboxAfter(attempted);
                break;
        }
    }

    /// <summary>The outbox's entries as a decision or delivery attempts leave them.</summary>
    public (List<OutboxEntry> Triggers, List<NotificationEntry> Notifications) OutboxAfter(JournalRecord record)
    {
        switch (record)
        {
            case ShipmentDecided decided:
                return (
                    [.. Outbox, .. decided.Triggers.Where(t => Outbox.All(o => o.Id != t.Id))],
                    [.. Notifications, .. decided.Notifications.Where(n => Notifications.All(o => o.WebhookId != n.WebhookId))]);
            case OutboxAttempted attempted:
                var triggers = Outbox.Select(o => attempted.Triggers.FirstOrDefault(t => t.Id == o.Id) ?? o).ToList();
                var settled = attempted.Settled.ToHashSet(StringComparer.Ordinal);
                var notifications = Notifications
                    .Where(n => !settled.Contains(n.WebhookId))
                    .Select(n => attempted.Notifications.FirstOrDefault(w => w.WebhookId == n.WebhookId) ?? n)
                    .ToList();
                return (triggers, notifications);
            default:
                return (Outbox, Notifications);
        }
    }

    public ShipmentRecord Record(Func<TransitEvent, bool>? decided = null) =>
        new(Booking!, BookedAt, CancelledAt, decided is null ? Events : Events.Where(decided).ToList(), Outbox, EtaHistory);
}

/// <summary>
/// A shipment: its journal stream folded (<see cref="ShipmentState"/>) and what it decides on it. Events reach it already
/// journaled; what it decides on them (<see cref="ShipmentDecisions"/>: the ETA change, the tax triggers, the webhook
/// notifications, its status, its wake-up) is journaled before it is shown or sent, and then sent by the
/// <see cref="Outbox"/>. Snapshots are written after many entries and on deactivation, off the path of any request.
/// </summary>
public sealed class ShipmentGrain(
    [PersistentState("shipment", StorageNames.Transit)] IPersistentState<ShipmentState> snapshot,
    IJournal journal,
    IClock clock,
    RefundPolicyBook policies,
    ITaxRefundTriggerPublisher publisher,
    SubscriptionDirectory subscriptions,
    WebhookRetrySchedule retries,
    ILocalSiloDetails silo,
    SnapshotOptions snapshots,
    ILogger<ShipmentGrain> logger) : Grain, IShipmentGrain
{
    private ShipmentState _state = null!;
    private Instant _evaluatedAt;
    private int _sinceSnapshot;
    private Task _snapshotting = Task.CompletedTask;
    private IGrainTimer? _snapshotDue;
    private Outbox _outbox = null!;
    private TaxTriggerChannel _taxTriggers = null!;
    private NotificationChannel _notifications = null!;

    private string ShipmentId => this.GetPrimaryKeyString();

    private string Stream => JournalStreams.Shipment(ShipmentId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = snapshot.State;
        _evaluatedAt = clock.GetCurrentInstant();
        _taxTriggers = new TaxTriggerChannel(() => _state.Outbox, publisher, clock, logger);
        _notifications = new NotificationChannel(() => _state.Notifications, GrainFactory, clock, retries, logger);
        _outbox = new Outbox(this, clock, RecordAttempts, _taxTriggers, _notifications);

        // Whatever the stream holds after the snapshot, records of earlier activations included.
        await CatchUp(recordsToo: true);
        _outbox.Resume();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _snapshotting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (_sinceSnapshot > 0 && _state.Booking is not null && reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await WriteSnapshot(await SnapshotAtExactPosition());
        }
    }

    public async Task<BookingResult> Book(ShipmentBooking booking)
    {
        if (_state.Booking is { } existing)
        {
            return existing.SameAs(booking)
                ? new BookingResult(BookingOutcome.AlreadyBooked, View(true), null, null)
                : new BookingResult(BookingOutcome.ShipmentConflict, null,
                    $"shipment {ShipmentId} is already booked with different details", ShipmentId);
        }

        var now = clock.GetCurrentInstant();
        var booked = new ShipmentBooked(booking, now, new EtaChange(now, EtaRule.Eta(ShipmentFold.Fold(booking, []).Legs), "booked"));
        var result = await Journaled(() => journal.BookAsync(new BookShipment(booked)));
        if (result.Container is { } container)
        {
            return new BookingResult(BookingOutcome.ContainerConflict, null,
                $"container {container} is on active shipment {result.HeldBy}", result.HeldBy);
        }

        if (result.AlreadyBooked)
        {
            // Only another activation could have booked it: this one's memory is behind the journal.
            DeactivateOnIdle();
            throw new StoreUnavailableException($"shipment {ShipmentId} was booked meanwhile; ask again");
        }

        _state.Apply(booked);
        var known = Known();
        foreach (var e in result.Events)
        {
            _state.Add(e, known);
        }

        _sinceSnapshot += 1 + result.Events.Count;
        await Decide("booked", isBooking: true);
        return new BookingResult(BookingOutcome.Created, View(true), null, null);
    }

    public Task<ShipmentView?> GetView(bool includeTimeline) =>
        Task.FromResult(_state.Booking is null ? null : View(includeTimeline));

    public async Task<CancellationResult> Cancel()
    {
        if (_state.Booking is not { } booking)
        {
            return new CancellationResult(CancellationOutcome.NotFound, null, null);
        }

        var status = ShipmentProjection.Evaluate(_state.Record(), policies, clock.GetCurrentInstant()).Status(_state.CancelledAt);
        if (status is ShipmentStatus.COMPLETED or ShipmentStatus.CANCELLED)
        {
            return new CancellationResult(CancellationOutcome.NotCancellable, null,
                $"shipment {ShipmentId} is {status} and cannot be cancelled");
        }

        var now = clock.GetCurrentInstant();
        var cancelled = new ShipmentCancelled(now);
        var (decided, decision, wakeUp) = await Prepare("cancelled", isBooking: false, cancelledAt: now);
        await Journaled(() => journal.CancelAsync(new CancelShipment(booking, cancelled, decided, Changed(wakeUp))));
        _state.Apply(cancelled);
        Recorded(decided, wakeUp);
        return new CancellationResult(CancellationOutcome.Cancelled, View(true), null);
    }

    public async Task<IReadOnlyList<bool>> Apply(IReadOnlyList<TransitEvent> events)
    {
        var known = Known();
        var isNew = events.Select(e => _state.Add(e, known)).ToList();
        var added = events.Where((_, i) => isNew[i]).ToList();
        _sinceSnapshot += added.Count;
        if (_state.Undecided.Count > 0)
        {
            await Decide(added.Count > 0 ? added[0].EventId : _state.Undecided[0], isBooking: false);
        }

        if (_sinceSnapshot >= snapshots.ShipmentSnapshotEvery && _snapshotDue is null && _snapshotting.IsCompleted)
        {
            // In a turn of its own, after this one: it reads the journal, and folds in what it finds.
            _snapshotDue = this.RegisterGrainTimer(SnapshotSoon, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return isNew;
    }

    public Task<string?> Forwarder() => Task.FromResult(_state.Booking?.Forwarder);

    public async Task WakeUp()
    {
        // The deadline may pass with no event ever arriving again: the clock alone can revoke the refund. The silo that
        // delivered the outbox may be gone: this one takes it over.
        if (_state.Booking is not null)
        {
            await Decide("wake-up", isBooking: false, rowIsDue: true);
        }

        _outbox.Resume();
    }

    /// <summary>Decides on what the shipment has not decided yet, and journals the decision when it changes anything.</summary>
    /// <remarks>
    /// <paramref name="rowIsDue"/>: the sweeper found the wake-up row due or held by a silo that is gone. The row is
    /// rewritten even when the shipment would ask for the same one, or it would be found due again at every sweep.
    /// </remarks>
    private async Task Decide(string cause, bool isBooking, bool rowIsDue = false)
    {
        var (decided, decision, wakeUp) = await Prepare(cause, isBooking, cancelledAt: null);
        var listed = decision.Status != _state.Listed ? decision.Status : (ShipmentStatus?)null;
        var row = rowIsDue ? wakeUp : Changed(wakeUp);
        if (decision.IsWorthRecording(_state.Listed))
        {
            await Journaled(() => journal.DecideAsync(new RecordDecision(ShipmentId, decided, listed, row)));
            Recorded(decided, wakeUp);
        }
        else if (row is not null)
        {
            await Journaled(() => journal.DecideAsync(new RecordDecision(ShipmentId, null, null, row)));
            _state.Undecided.Clear();
            _state.WakeUp = wakeUp;
        }
        else
        {
            // Nothing to store: decided in memory. Should the process die now, the shipment decides again, to the same effect.
            _state.Undecided.Clear();
        }
    }

    /// <summary>The decision on the undecided events, as the journal keeps it, and the wake-up row it needs.</summary>
    private async Task<(ShipmentDecided Decided, ShipmentDecision Decision, WakeUp WakeUp)> Prepare(string cause, bool isBooking, Instant? cancelledAt)
    {
        var undecided = _state.Undecided.ToHashSet(StringComparer.Ordinal);
        var now = clock.GetCurrentInstant();
        var decision = ShipmentDecisions.Decide(
            _state.Record(e => !undecided.Contains(e.EventId)),
            _state.Events.Where(e => undecided.Contains(e.EventId)).ToList(),
            cause,
            isBooking,
            _state.NotificationsMade,
            await subscriptions.CurrentAsync(),
            policies,
            now,
            cancelledAt);
        _evaluatedAt = now;
        var decided = decision.ToRecord([.. _state.Undecided]);
        var (triggers, notifications) = _state.OutboxAfter(decided);
        return (decided, decision, WakeUpFor(triggers, notifications, decision.RevocationDue, now));
    }

    /// <summary>A decision is journaled: the state takes it, and the outbox sends what it added.</summary>
    private void Recorded(ShipmentDecided decided, WakeUp wakeUp)
    {
        _state.Apply(decided);
        _state.WakeUp = wakeUp;
        _sinceSnapshot++;
        foreach (var trigger in decided.Triggers)
        {
            TransitMetrics.TaxTriggerAdded(trigger.Trigger.Kind);
        }

        if (decided.Triggers.Count > 0 || decided.Notifications.Count > 0)
        {
            _outbox.Deliver();
        }
    }

    /// <summary>Journals what delivery attempts changed in the outbox, then applies it.</summary>
    private async Task RecordAttempts(IReadOnlyList<OutboxAttempt> attempts)
    {
        var (notifications, settled) = _notifications.Attempted(attempts);
        var attempted = new OutboxAttempted(_taxTriggers.Attempted(attempts), notifications, settled);
        var (afterTriggers, afterNotifications) = _state.OutboxAfter(attempted);
        var now = clock.GetCurrentInstant();
        var refund = ShipmentProjection.Evaluate(_state.Record(), policies, now).Refund;
        // Past the deadline the assessment holds the revocation among what is due, no longer as a moment to come: the
        // shipment must decide now, or nothing would wake it again.
        var decideAt = refund.Due.Count > 0 ? now : refund.RevocationDue;
        var wakeUp = WakeUpFor(afterTriggers, afterNotifications, decideAt, now);
        await Journaled(() => journal.RecordAttemptsAsync(new RecordAttempts(ShipmentId, attempted, Changed(wakeUp))));
        _state.Apply(attempted);
        _state.WakeUp = wakeUp;
        _sinceSnapshot++;
    }

    /// <summary>
    /// When the shipment must be woken if nothing else happens (what its outbox waits for, the moment the clock alone
    /// revokes the refund), and this silo while its outbox has anything to send.
    /// </summary>
    private WakeUp WakeUpFor(IReadOnlyList<OutboxEntry> triggers, IReadOnlyList<NotificationEntry> notifications, Instant? revocationDue, Instant now)
    {
        var at = new[]
        {
            OutboxOrder.WakeUpAt(triggers, now, Outbox.SafetyNet),
            OutboxOrder.WakeUpAt(notifications, now, Outbox.SafetyNet),
            revocationDue,
        }.Min();
        var waiting = triggers.Any(t => !t.IsSettled) || notifications.Count > 0;
        return new WakeUp(at, waiting ? silo.SiloAddress.ToParsableString() : null);
    }

    /// <summary>The wake-up row to journal, when it differs from the one stored.</summary>
    private WakeUp? Changed(WakeUp wakeUp)
    {
        var stored = _state.WakeUp ?? new WakeUp(null, null);
        return stored == wakeUp ? null : wakeUp;
    }

    /// <summary>
    /// Folds in what the journal holds after the state's position: on activation everything (records of earlier
    /// activations too); before a snapshot, the events other grains journaled for this shipment that have not reached
    /// it yet (its own records it applied as it journaled them). Then decides what no decision covers.
    /// </summary>
    private async Task CatchUp(bool recordsToo)
    {
        var tail = await journal.ReadAsync(Stream, _state.Position);
        var known = Known();
        foreach (var entry in tail.Entries)
        {
            if (entry.Event is { } e)
            {
                _state.Add(e, known);
            }
            else if (recordsToo)
            {
                _state.Apply(entry.Record!);
            }
        }

        _state.Position = tail.Head;
        _sinceSnapshot += tail.Entries.Count;
        if (_state.Booking is not null && _state.Undecided.Count > 0)
        {
            await Decide(_state.Undecided[0], isBooking: false);
        }
    }

    /// <summary>The snapshot timer: takes the snapshot in this turn, writes it away from any turn.</summary>
    private async Task SnapshotSoon(CancellationToken cancellationToken)
    {
        _snapshotDue?.Dispose();
        _snapshotDue = null;
        ShipmentState? taken = null;
        try
        {
            taken = await SnapshotAtExactPosition();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Snapshot of shipment {ShipmentId} not taken; its journal stays the record", ShipmentId);
        }

        _snapshotting = taken is null ? Task.CompletedTask : WriteSnapshot(taken);
    }

    /// <summary>The state folded exactly up to a position: whatever the journal has that has not reached this activation yet.</summary>
    private async Task<ShipmentState> SnapshotAtExactPosition()
    {
        await CatchUp(recordsToo: false);
        _sinceSnapshot = 0;
        return _state.Copy();
    }

    /// <summary>Writes a snapshot; a failed one is only a missed shortcut, the journal stays the record.</summary>
    private async Task WriteSnapshot(ShipmentState taken)
    {
        try
        {
            snapshot.State = taken;
            await snapshot.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote since this one read: this one is the stale copy.
            DeactivateOnIdle();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Snapshot of shipment {ShipmentId} not written; its journal stays the record", ShipmentId);
        }
    }

    /// <summary>
    /// Runs a journal command. When it fails, this activation's memory may be ahead of or behind the journal (the caller is
    /// told it failed, and will retry): it is dropped, so the retry starts from what is stored.
    /// </summary>
    private async Task<T> Journaled<T>(Func<Task<T>> command)
    {
        try
        {
            return await command();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private Task Journaled(Func<Task> command) => Journaled(async () =>
    {
        await command();
        return true;
    });

    private HashSet<string> Known() => _state.Events.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);

    private ShipmentView View(bool includeTimeline)
    {
        var record = _state.Record();
        return ShipmentProjection.View(record, ShipmentProjection.Evaluate(record, policies, _evaluatedAt), includeTimeline);
    }
}
