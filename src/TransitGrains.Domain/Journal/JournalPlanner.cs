using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Domain.Journal;

/// <summary>The shipment a container is booked on last, and whether it still holds it.</summary>
public sealed record ContainerHolder(string ShipmentId, bool Released, ShipmentStatus Status)
{
    /// <summary>Events of the container go to this shipment: it was not cancelled (a completed one keeps them until the next booking).</summary>
    public bool Routes => !Released;

    /// <summary>Another booking of the container is refused: the shipment is neither completed nor cancelled.</summary>
    public bool Holds => !Released && Status is ShipmentStatus.BOOKED or ShipmentStatus.IN_TRANSIT;
}

/// <summary>An event already claimed, and the shipments its streams reached.</summary>
public sealed record ClaimedEvent(TransitEvent Event, IReadOnlyList<string> Shipments);

/// <summary>What the journal's store reads, under the journal's lock, for the commands of one group (<see cref="JournalKeys"/>).</summary>
public sealed class JournalRouting
{
    public static readonly JournalRouting Empty = new() { Head = 0 };

    /// <summary>The last position journaled.</summary>
    public required long Head { get; init; }

    public IReadOnlyDictionary<string, ClaimedEvent> Claimed { get; init; } = new Dictionary<string, ClaimedEvent>();

    public IReadOnlyDictionary<ContainerNumber, ContainerHolder> Holders { get; init; } = new Dictionary<ContainerNumber, ContainerHolder>();

    public IReadOnlyDictionary<ConveyanceKey, IReadOnlySet<string>> Followers { get; init; } = new Dictionary<ConveyanceKey, IReadOnlySet<string>>();

    /// <summary>Events kept in containers' streams (no booking named them yet), in journal order.</summary>
    public IReadOnlyDictionary<ContainerNumber, IReadOnlyList<TransitEvent>> Kept { get; init; } = new Dictionary<ContainerNumber, IReadOnlyList<TransitEvent>>();

    /// <summary>Shipments already booked, among those the group books.</summary>
    public IReadOnlySet<string> Booked { get; init; } = new HashSet<string>();

    /// <summary>Transport events already journaled for conveyances that gain a follower (<see cref="JournalPlan.MissingCalls"/>).</summary>
    public IReadOnlyDictionary<ConveyanceKey, IReadOnlyList<TransitEvent>> Calls { get; init; } = new Dictionary<ConveyanceKey, IReadOnlyList<TransitEvent>>();
}

/// <summary>What the store must read for a group of commands.</summary>
public sealed record JournalKeys(
    IReadOnlyCollection<string> EventIds,
    IReadOnlyCollection<ContainerNumber> Containers,
    IReadOnlyCollection<ConveyanceKey> Conveyances,
    IReadOnlyCollection<ContainerNumber> KeptOf,
    IReadOnlyCollection<string> Bookings);

/// <summary>A new event, at its position, and the shipments it reached.</summary>
public sealed record PlannedEvent(TransitEvent Event, long Position, List<string> Shipments);

/// <summary>A stream entry to write: an event (by id, stored once in the events) or a record.</summary>
public sealed record PlannedEntry(string Stream, long Position, TransitEvent? Event, JournalRecord? Record);

/// <summary>
/// Everything one group writes, in one transaction, and what each command gets back. Positions are handed out here in
/// order from the head the store read under its lock, so they grow in commit order across the journal.
/// </summary>
public sealed class JournalPlan
{
    public List<PlannedEvent> Events { get; } = [];

    public List<PlannedEntry> Entries { get; } = [];

    /// <summary>Containers whose kept events a booking took: their streams are emptied.</summary>
    public List<ContainerNumber> KeptTaken { get; } = [];

    public List<(ContainerNumber Container, string ShipmentId, long Position)> Assigned { get; } = [];

    public List<(ContainerNumber Container, string ShipmentId)> Released { get; } = [];

    public List<(ConveyanceKey Conveyance, string ShipmentId)> Followed { get; } = [];

    /// <summary>Shipments that follow nothing any more (cancelled).</summary>
    public List<string> Unfollowed { get; } = [];

    public List<ShipmentListingRow> Listed { get; } = [];

    public List<(string ShipmentId, ShipmentStatus Status)> StatusChanged { get; } = [];

    public List<(string Stream, WakeUp WakeUp)> WakeUps { get; } = [];

    /// <summary>Conveyances whose earlier transport events the plan needs and the routing lacked: read them and plan again.</summary>
    public HashSet<ConveyanceKey> MissingCalls { get; } = [];

    /// <summary>What each command gets back, by its index: <see cref="EventsRecorded"/>, <see cref="BookingRecorded"/>, or null.</summary>
    public List<object?> Results { get; } = [];

    /// <summary>The last position handed out: the journal's new head.</summary>
    public long Head { get; internal set; }
}

/// <summary>
/// Plans a group of journal commands against what the journal holds (<see cref="JournalRouting"/>): which event ids are
/// claimed, which streams each event reaches, what a booking or a cancellation changes. The routing rules, with no I/O:
/// <list type="bullet">
/// <item>an id is one event: the first report under it is journaled, a repeat is a duplicate whatever else it says;</item>
/// <item>a transport event reaches its conveyance and every shipment following it;</item>
/// <item>a container's event reaches the shipment it was booked on last unless that one was cancelled; with none, the
/// container's own stream keeps it for the next booking; a LOAD or DISC reaches the conveyance too, and a shipment
/// whose container is moved on a conveyance follows it from then on (a transhipment);</item>
/// <item>a shipment that starts to follow a conveyance receives every transport event of it so far.</item>
/// </list>
/// </summary>
public static class JournalPlanner
{
    public static JournalKeys KeysOf(IReadOnlyList<JournalCommand> commands)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var containers = new HashSet<ContainerNumber>();
        var conveyances = new HashSet<ConveyanceKey>();
        var keptOf = new HashSet<ContainerNumber>();
        var bookings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            switch (command)
            {
                case RecordEvents record:
                    foreach (var e in record.Events)
                    {
                        ids.Add(e.EventId);
                        if (e.ContainerNumber is { } container)
                        {
                            containers.Add(container);
                        }

                        if (e.Conveyance is { } conveyance)
                        {
                            conveyances.Add(conveyance);
                        }
                    }

                    break;
                case BookShipment book:
                    bookings.Add(book.Booked.Booking.ShipmentId);
                    containers.UnionWith(book.Booked.Booking.Containers);
                    keptOf.UnionWith(book.Booked.Booking.Containers);
                    conveyances.UnionWith(book.Booked.Booking.Legs.Select(l => l.Conveyance));
                    break;
                case CancelShipment cancel:
                    containers.UnionWith(cancel.Booking.Containers);
                    conveyances.UnionWith(cancel.Booking.Legs.Select(l => l.Conveyance));
                    break;
            }
        }

        return new JournalKeys(ids, containers, conveyances, keptOf, bookings);
    }

    public static JournalPlan Plan(IReadOnlyList<JournalCommand> commands, JournalRouting routing) =>
        new Planning(routing).Run(commands);

    /// <summary>One planning run: the routing as read, and what the commands before the current one changed in it.</summary>
    private sealed class Planning(JournalRouting routing)
    {
        private readonly JournalPlan _plan = new();
        private readonly Dictionary<string, ClaimedEvent> _claimed = new(StringComparer.Ordinal);
        private readonly Dictionary<string, PlannedEvent> _new = new(StringComparer.Ordinal);
        private readonly Dictionary<ContainerNumber, ContainerHolder> _holders = [];
        private readonly Dictionary<ConveyanceKey, HashSet<string>> _followers = [];
        private readonly Dictionary<ConveyanceKey, List<TransitEvent>> _callsNow = [];
        private readonly Dictionary<ContainerNumber, List<TransitEvent>> _keptNow = [];
        private readonly HashSet<ContainerNumber> _keptTaken = [];
        private readonly HashSet<string> _booked = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unfollowed = new(StringComparer.Ordinal);
        private long _position = routing.Head;

        // The events each shipment stream receives from the command being planned.
        private Dictionary<string, Delivered> _deliveries = new(StringComparer.Ordinal);

        public JournalPlan Run(IReadOnlyList<JournalCommand> commands)
        {
            foreach (var command in commands)
            {
                _deliveries = new Dictionary<string, Delivered>(StringComparer.Ordinal);
                _plan.Results.Add(command switch
                {
                    RecordEvents record => Record(record.Events),
                    BookShipment book => Book(book.Booked),
                    CancelShipment cancel => Cancel(cancel),
                    RecordDecision decision => Decide(decision),
                    RecordAttempts attempts => Attempted(attempts),
                    _ => throw new ArgumentException($"unknown journal command {command.GetType().Name}", nameof(commands)),
                });
            }

            _plan.Head = _position;
            return _plan;
        }

        private EventsRecorded Record(IReadOnlyList<TransitEvent> events)
        {
            var recorded = new List<RecordedEvent>(events.Count);
            foreach (var reported in events)
            {
                if (Claim(reported.EventId) is { } claimed)
                {
                    // A repeat: the first event goes again to the shipments it reached, which decide again if a crash took
                    // their decision (their streams already hold it).
                    foreach (var shipment in claimed.Shipments)
                    {
                        Delivery(shipment).Add(claimed.Event);
                    }

                    recorded.Add(new RecordedEvent(claimed.Event, IsFirst: false));
                    continue;
                }

                var planned = new PlannedEvent(reported, Next(), []);
                _plan.Events.Add(planned);
                _new[reported.EventId] = planned;
                _claimed[reported.EventId] = new ClaimedEvent(reported, planned.Shipments);
                Route(planned);
                recorded.Add(new RecordedEvent(reported, IsFirst: true));
            }

            return new EventsRecorded(recorded, Deliveries());
        }

        private void Route(PlannedEvent planned)
        {
            var e = planned.Event;
            if (e.EventType == EventType.TRANSPORT)
            {
                var conveyance = e.Conveyance!.Value;
                Entry(JournalStreams.Conveyance(conveyance), e);
                foreach (var shipment in Followers(conveyance))
                {
                    Reach(shipment, e);
                }

                CallsNow(conveyance).Add(e);
                return;
            }

            var container = e.ContainerNumber!.Value;
            string? routedTo = null;
            if (Holder(container) is { Routes: true } holder)
            {
                routedTo = holder.ShipmentId;
                Reach(routedTo, e);
            }
            else
            {
                Entry(JournalStreams.Container(container), e);
                KeptNow(container).Add(e);
            }

            if (EventVocabulary.MovesContainer(e.EventCode) && e.Conveyance is { } movedOn)
            {
                Entry(JournalStreams.Conveyance(movedOn), e);
                if (routedTo is not null)
                {
                    Follow(movedOn, routedTo);
                }
            }
        }

        private BookingRecorded Book(ShipmentBooked booked)
        {
            var booking = booked.Booking;
            var shipment = booking.ShipmentId;
            if (routing.Booked.Contains(shipment) || _booked.Contains(shipment))
            {
                return new BookingRecorded(null, null, AlreadyBooked: true, []);
            }

            foreach (var container in booking.Containers)
            {
                if (Holder(container) is { Holds: true } holder && holder.ShipmentId != shipment)
                {
                    return new BookingRecorded(container, holder.ShipmentId, AlreadyBooked: false, []);
                }
            }

            _booked.Add(shipment);
            var stream = JournalStreams.Shipment(shipment);
            Entry(stream, booked);
            _plan.Listed.Add(new ShipmentListingRow(shipment, booking.Forwarder, ShipmentStatus.BOOKED, booked.BookedAt));

            var kept = new List<TransitEvent>();
            foreach (var container in booking.Containers)
            {
                var position = Next();
                _plan.Assigned.Add((container, shipment, position));
                _holders[container] = new ContainerHolder(shipment, Released: false, ShipmentStatus.BOOKED);
                kept.AddRange(TakeKept(container));
            }

            foreach (var e in kept)
            {
                Reach(shipment, e);
            }

            foreach (var leg in booking.Legs)
            {
                Follow(leg.Conveyance, shipment);
                Entry(JournalStreams.Conveyance(leg.Conveyance), new LegBooked(new BookedLeg(shipment, leg.From, booking.Containers)));
            }

            // Containers reported loaded, before this booking, onto a conveyance none of its legs names (the broad-gauge
            // train after a gauge change): the shipment follows that conveyance too, or its moves would never reach it.
            foreach (var move in kept.Where(e => EventVocabulary.MovesContainer(e.EventCode) && e.Conveyance is not null))
            {
                Follow(move.Conveyance!.Value, shipment);
            }

            return new BookingRecorded(null, null, AlreadyBooked: false, Delivery(shipment).Events);
        }

        private object? Cancel(CancelShipment cancel)
        {
            var shipment = cancel.Booking.ShipmentId;
            var stream = JournalStreams.Shipment(shipment);
            Entry(stream, cancel.Cancelled);
            Entry(stream, cancel.Decided);
            foreach (var container in cancel.Booking.Containers)
            {
                if (Holder(container) is { } holder && holder.ShipmentId == shipment && !holder.Released)
                {
                    _plan.Released.Add((container, shipment));
                    _holders[container] = holder with { Released = true, Status = ShipmentStatus.CANCELLED };
                }
            }

            _plan.Unfollowed.Add(shipment);
            _unfollowed.Add(shipment);
            foreach (var followers in _followers.Values)
            {
                followers.Remove(shipment);
            }

            foreach (var conveyance in cancel.Booking.Legs.Select(l => l.Conveyance).Distinct())
            {
                Entry(JournalStreams.Conveyance(conveyance), new LegsCancelled(shipment));
            }

            _plan.StatusChanged.Add((shipment, ShipmentStatus.CANCELLED));
            Wake(stream, cancel.WakeUp);
            return null;
        }

        private object? Decide(RecordDecision decision)
        {
            var stream = JournalStreams.Shipment(decision.ShipmentId);
            if (decision.Decided is { } decided)
            {
                Entry(stream, decided);
            }

            if (decision.Listed is { } status)
            {
                _plan.StatusChanged.Add((decision.ShipmentId, status));
                var held = routing.Holders.Where(h => !_holders.ContainsKey(h.Key)).Concat(_holders)
                    .Where(h => h.Value.ShipmentId == decision.ShipmentId).ToList();
                foreach (var (container, holder) in held)
                {
                    _holders[container] = holder with { Status = status };
                }
            }

            Wake(stream, decision.WakeUp);
            return null;
        }

        private object? Attempted(RecordAttempts attempts)
        {
            var stream = JournalStreams.Shipment(attempts.ShipmentId);
            Entry(stream, attempts.Attempted);
            Wake(stream, attempts.WakeUp);
            return null;
        }

        /// <summary>The shipment follows the conveyance from now on, and receives every transport event it had so far.</summary>
        private void Follow(ConveyanceKey conveyance, string shipment)
        {
            if (!Followers(conveyance).Add(shipment))
            {
                return;
            }

            _plan.Followed.Add((conveyance, shipment));
            if (!routing.Calls.TryGetValue(conveyance, out var earlier))
            {
                _plan.MissingCalls.Add(conveyance);
                earlier = [];
            }

            foreach (var call in earlier.Concat(CallsNow(conveyance)))
            {
                Reach(shipment, call);
            }
        }

        /// <summary>The event enters the shipment's stream (once) and is delivered to the shipment.</summary>
        private void Reach(string shipment, TransitEvent e)
        {
            if (!Delivery(shipment).Add(e))
            {
                return;
            }

            Entry(JournalStreams.Shipment(shipment), e);
            // A new event names the shipments it reached, for a repeat to reach them again.
            if (_new.TryGetValue(e.EventId, out var planned) && !planned.Shipments.Contains(shipment))
            {
                planned.Shipments.Add(shipment);
            }
        }

        /// <summary>The events kept for the container, which now go to the shipment booking it.</summary>
        private List<TransitEvent> TakeKept(ContainerNumber container)
        {
            var taken = new List<TransitEvent>(routing.Kept.GetValueOrDefault(container) ?? []);
            if (taken.Count > 0 && _keptTaken.Add(container))
            {
                _plan.KeptTaken.Add(container);
            }

            if (_keptNow.Remove(container, out var now))
            {
                // Kept earlier in this group: their container entries are not written at all.
                var stream = JournalStreams.Container(container);
                _plan.Entries.RemoveAll(entry => entry.Stream == stream);
                taken.AddRange(now);
            }

            return taken;
        }

        private ClaimedEvent? Claim(string eventId) =>
            _claimed.TryGetValue(eventId, out var now) ? now : routing.Claimed.GetValueOrDefault(eventId);

        private ContainerHolder? Holder(ContainerNumber container) =>
            _holders.TryGetValue(container, out var now) ? now : routing.Holders.GetValueOrDefault(container);

        private HashSet<string> Followers(ConveyanceKey conveyance)
        {
            if (!_followers.TryGetValue(conveyance, out var followers))
            {
                followers = new HashSet<string>(
                    (routing.Followers.GetValueOrDefault(conveyance) ?? new HashSet<string>()).Where(s => !_unfollowed.Contains(s)),
                    StringComparer.Ordinal);
                _followers[conveyance] = followers;
            }

            return followers;
        }

        private List<TransitEvent> CallsNow(ConveyanceKey conveyance) => Get(_callsNow, conveyance);

        private List<TransitEvent> KeptNow(ContainerNumber container) => Get(_keptNow, container);

        private Delivered Delivery(string shipment)
        {
            if (!_deliveries.TryGetValue(shipment, out var delivered))
            {
                _deliveries[shipment] = delivered = new Delivered();
            }

            return delivered;
        }

        private static List<TransitEvent> Get<TKey>(Dictionary<TKey, List<TransitEvent>> lists, TKey key) where TKey : notnull
        {
            if (!lists.TryGetValue(key, out var list))
            {
                lists[key] = list = [];
            }

            return list;
        }

        private Dictionary<string, IReadOnlyList<TransitEvent>> Deliveries() =>
            _deliveries.Where(d => d.Value.Events.Count > 0).ToDictionary(d => d.Key, d => (IReadOnlyList<TransitEvent>)d.Value.Events, StringComparer.Ordinal);

        private void Entry(string stream, TransitEvent e) => _plan.Entries.Add(new PlannedEntry(stream, Next(), e, null));

        private void Entry(string stream, JournalRecord record) => _plan.Entries.Add(new PlannedEntry(stream, Next(), null, record));

        private void Wake(string stream, WakeUp? wakeUp)
        {
            if (wakeUp is { } changed)
            {
                _plan.WakeUps.Add((stream, changed));
            }
        }

        private long Next() => ++_position;

        /// <summary>The events one shipment stream receives from one command, each once, in order.</summary>
        private sealed class Delivered
        {
            private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

            public List<TransitEvent> Events { get; } = [];

            public bool Add(TransitEvent e)
            {
                if (!_ids.Add(e.EventId))
                {
                    return false;
                }

                Events.Add(e);
                return true;
            }
        }
    }
}
