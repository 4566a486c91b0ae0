using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Persistence.Journal;

/// <summary>
/// The journal of the embedded default and of grain tests, in memory: the same commands, plans and reads as on
/// PostgreSQL (one lock stands for the head row's), with payloads serialized as there, so what works here works there.
/// Silos of one process share it when they share the instance, as silos of a cluster share a database. Also the
/// listing and the wake-up rows, which the journal writes.
/// </summary>
public sealed class InMemoryJournalStore : IShipmentIndex, IWakeUpSchedule
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredEvent> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StoredEntry>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<ContainerNumber, List<ContainerBooking>> _bookings = [];
    private readonly Dictionary<ConveyanceKey, HashSet<string>> _followers = [];
    private readonly Dictionary<string, ShipmentListingRow> _shipments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WakeUp> _wakeUps = new(StringComparer.Ordinal);
    private long _head;

    internal IJournalStore For(JournalPayloads payloads) => new Store(this, payloads);

    public Task<ShipmentPage> PageAsync(ShipmentQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IEnumerable<ShipmentListingRow> rows = _shipments.Values;
            if (query.Container is { } container)
            {
                var booked = ContainerNumber.TryParse(container, out var number, out _) && _bookings.TryGetValue(number, out var list)
                    ? list.Select(b => b.ShipmentId).ToHashSet(StringComparer.Ordinal)
                    : [];
                rows = rows.Where(r => booked.Contains(r.ShipmentId));
            }

            rows = rows
                .Where(r => query.Forwarder is null || r.Forwarder == query.Forwarder)
                .Where(r => query.Status is null || r.Status == query.Status)
                .Where(r => query.After is not { } after || (r.BookedAt, r.ShipmentId).CompareTo((after.BookedAt, after.ShipmentId)) < 0)
                .OrderByDescending(r => r.BookedAt).ThenByDescending(r => r.ShipmentId, StringComparer.Ordinal);
            var page = rows.Take(query.Limit + 1).Select(r => new ListingPosition(r.BookedAt, r.ShipmentId)).ToList();
            return Task.FromResult(ShipmentPage.Of(page, query.Limit));
        }
    }

    public Task<IReadOnlySet<string>> BookedByAsync(string forwarder, IReadOnlyCollection<string> containers, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var own = containers
                .Where(c => ContainerNumber.TryParse(c, out var number, out _) && _bookings.TryGetValue(number, out var list)
                    && _shipments.TryGetValue(list[^1].ShipmentId, out var shipment) && shipment.Forwarder == forwarder)
                .ToHashSet(StringComparer.Ordinal);
            return Task.FromResult<IReadOnlySet<string>>(own);
        }
    }

    public Task<IReadOnlyList<string>> DueAsync(Instant now, IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<string> due = _wakeUps
                .Where(w => w.Value.At <= now || (w.Value.HeldBy is { } silo && !liveSilos.Contains(silo)))
                .OrderBy(w => w.Value.At ?? Instant.MinValue)
                .Take(limit)
                .Select(w => w.Key)
                .ToList();
            return Task.FromResult(due);
        }
    }

    private JournalRouting Routing(JournalKeys keys, JournalPayloads payloads, IReadOnlyCollection<ConveyanceKey> calls) => new()
    {
        Head = _head,
        Claimed = keys.EventIds.Where(_events.ContainsKey)
            .ToDictionary(id => id, id => new ClaimedEvent(payloads.Event(_events[id].Payload), _events[id].Shipments), StringComparer.Ordinal),
        Holders = keys.Containers.Where(_bookings.ContainsKey).ToDictionary(c => c, c =>
        {
            var latest = _bookings[c][^1];
            return new ContainerHolder(latest.ShipmentId, latest.Released, _shipments[latest.ShipmentId].Status);
        }),
        Followers = keys.Conveyances.Where(_followers.ContainsKey)
            .ToDictionary(c => c, c => (IReadOnlySet<string>)_followers[c].ToHashSet(StringComparer.Ordinal)),
        Kept = keys.KeptOf.Where(c => _streams.ContainsKey(JournalStreams.Container(c)))
            .ToDictionary(c => c, c => (IReadOnlyList<TransitEvent>)EventsOf(JournalStreams.Container(c), payloads, transportOnly: false)),
        Booked = keys.Bookings.Where(_shipments.ContainsKey).ToHashSet(StringComparer.Ordinal),
        Calls = calls.ToDictionary(c => c, c => (IReadOnlyList<TransitEvent>)EventsOf(JournalStreams.Conveyance(c), payloads, transportOnly: true)),
    };

    private List<TransitEvent> EventsOf(string stream, JournalPayloads payloads, bool transportOnly) =>
        (_streams.GetValueOrDefault(stream) ?? [])
            .Where(e => e.EventId is not null && (!transportOnly || e.Kind == JournalPayloads.TransportEvent))
            .Select(e => payloads.Event(_events[e.EventId!].Payload))
            .ToList();

    private void Write(JournalPlan plan, JournalPayloads payloads)
    {
        foreach (var planned in plan.Events)
        {
            _events[planned.Event.EventId] = new StoredEvent(payloads.Of(planned.Event), [.. planned.Shipments]);
        }

        foreach (var container in plan.KeptTaken)
        {
            _streams.Remove(JournalStreams.Container(container));
        }

        foreach (var entry in plan.Entries)
        {
            if (!_streams.TryGetValue(entry.Stream, out var stream))
            {
                _streams[entry.Stream] = stream = [];
            }

            stream.Add(new StoredEntry(entry.Position, JournalPayloads.KindOf(entry), entry.Event?.EventId,
                entry.Record is { } record ? payloads.Of(record) : null));
        }

        foreach (var (container, shipment, _) in plan.Assigned)
        {
            if (!_bookings.TryGetValue(container, out var list))
            {
                _bookings[container] = list = [];
            }

            list.RemoveAll(b => b.ShipmentId == shipment);
            list.Add(new ContainerBooking(shipment, Released: false));
        }

        foreach (var (container, shipment) in plan.Released)
        {
            var list = _bookings[container];
            var i = list.FindIndex(b => b.ShipmentId == shipment);
            list[i] = list[i] with { Released = true };
        }

        foreach (var (conveyance, shipment) in plan.Followed)
        {
            if (!_followers.TryGetValue(conveyance, out var followers))
            {
                _followers[conveyance] = followers = new HashSet<string>(StringComparer.Ordinal);
            }

            followers.Add(shipment);
        }

        foreach (var shipment in plan.Unfollowed)
        {
            foreach (var followers in _followers.Values)
            {
                followers.Remove(shipment);
            }
        }

        foreach (var listed in plan.Listed)
        {
            _shipments.TryAdd(listed.ShipmentId, listed);
        }

        foreach (var (shipment, status) in plan.StatusChanged)
        {
            _shipments[shipment] = _shipments[shipment] with { Status = status };
        }

        foreach (var (stream, wakeUp) in plan.WakeUps)
        {
            if (wakeUp.At is null && wakeUp.HeldBy is null)
            {
                _wakeUps.Remove(stream);
            }
            else
            {
                _wakeUps[stream] = wakeUp;
            }
        }

        _head = plan.Head;
    }

    private JournalTail Read(StreamRead read, JournalPayloads payloads)
    {
        var entries = (_streams.GetValueOrDefault(read.Stream) ?? [])
            .Where(e => e.Position > read.After)
            .Select(e => e.EventId is { } id
                ? new JournalEntry(e.Position, payloads.Event(_events[id].Payload), null)
                : new JournalEntry(e.Position, null, payloads.RecordOf(e.Payload!)))
            .ToList();
        return new JournalTail(entries, _head);
    }

    private sealed record StoredEvent(byte[] Payload, IReadOnlyList<string> Shipments);

    private sealed record StoredEntry(long Position, short Kind, string? EventId, byte[]? Payload);

    private sealed record ContainerBooking(string ShipmentId, bool Released);

    private sealed class Store(InMemoryJournalStore journal, JournalPayloads payloads) : IJournalStore
    {
        public Task<JournalPlan> CommitAsync(IReadOnlyList<JournalCommand> commands)
        {
            lock (journal._lock)
            {
                var keys = JournalPlanner.KeysOf(commands);
                var plan = JournalPlanner.Plan(commands, journal.Routing(keys, payloads, []));
                if (plan.MissingCalls.Count > 0)
                {
                    plan = JournalPlanner.Plan(commands, journal.Routing(keys, payloads, plan.MissingCalls));
                }

                journal.Write(plan, payloads);
                return Task.FromResult(plan);
            }
        }

        public Task<IReadOnlyList<JournalTail>> ReadAsync(IReadOnlyList<StreamRead> reads)
        {
            lock (journal._lock)
            {
                return Task.FromResult<IReadOnlyList<JournalTail>>(reads.Select(r => journal.Read(r, payloads)).ToList());
            }
        }
    }
}
