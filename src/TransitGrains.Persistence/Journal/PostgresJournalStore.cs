using Npgsql;
using NpgsqlTypes;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Persistence.Journal;

/// <summary>
/// The journal on PostgreSQL (migration 0007). A group is two round trips in one transaction: the first locks the
/// service's head row (so groups commit one after another, and positions grow in commit order) and reads what the plan
/// needs; the second writes the plan and commits. A group in which a shipment starts to follow a conveyance reads that
/// conveyance's transport events in between. Nothing is half written: the transaction commits whole or not at all.
/// </summary>
internal sealed class PostgresJournalStore(TransitDatabase database, JournalPayloads payloads) : IJournalStore
{
    // Whether the service's head row is known to exist: it must, before a group can lock it.
    private volatile bool _headExists;

    private const string LockHeadSql = "SELECT position FROM transit_journal_head WHERE service_id = $1 FOR UPDATE";

    // Every lookup by key below is one index probe per key: a LATERAL subquery with LIMIT or OFFSET is not merged into
    // the join, so it runs per key. As "col = ANY($2)" the plan depends on statistics: until autovacuum has analyzed a
    // new table (up to a minute), 200 keys were estimated to match the whole table, and the ids' lookup scanned every
    // event of the service under the head lock, 46 ms a group on a fresh database, serializing every batch behind it.
    private const string ClaimedSql = """
        SELECT e.event_id, e.payload, e.shipments
        FROM unnest($2::text[]) AS k(event_id)
        CROSS JOIN LATERAL (SELECT event_id, payload, shipments FROM transit_journal_events
                            WHERE service_id = $1 AND event_id = k.event_id LIMIT 1) e
        """;

    // The latest booking of each container, and the status its shipment has in the listing.
    private const string HoldersSql = """
        SELECT k.container, h.shipment_id, h.released, h.status
        FROM unnest($2::text[]) AS k(container)
        CROSS JOIN LATERAL (SELECT b.shipment_id, b.released, s.status
                            FROM transit_container_bookings b
                            JOIN transit_shipments s ON s.service_id = b.service_id AND s.shipment_id = b.shipment_id
                            WHERE b.service_id = $1 AND b.container = k.container
                            ORDER BY b.position DESC LIMIT 1) h
        """;

    private const string FollowersSql = """
        SELECT k.conveyance, f.shipment_id
        FROM unnest($2::text[]) AS k(conveyance)
        CROSS JOIN LATERAL (SELECT shipment_id FROM transit_conveyance_followers
                            WHERE service_id = $1 AND conveyance = k.conveyance OFFSET 0) f
        """;

    // Every event of the streams (a container's kept events), or their transport events (kind 1: a conveyance's calls).
    private static readonly string StreamEventsSql = EventsOfStreams("t.event_id IS NOT NULL");
    private static readonly string CallsSql = EventsOfStreams("t.kind = 1");

    /// <summary>The events of each stream named in $2 that <paramref name="which"/> keeps, by stream, in journal order.</summary>
    private static string EventsOfStreams(string which) => $"""
        SELECT k.stream, t.payload
        FROM unnest($2::text[]) AS k(stream)
        CROSS JOIN LATERAL (SELECT t.position, e.payload
                            FROM transit_journal_entries t
                            JOIN transit_journal_events e ON e.service_id = t.service_id AND e.event_id = t.event_id
                            WHERE t.service_id = $1 AND t.stream = k.stream AND {which} OFFSET 0) t
        ORDER BY t.position
        """;

    private const string BookedSql = """
        SELECT b.shipment_id
        FROM unnest($2::text[]) AS k(shipment_id)
        CROSS JOIN LATERAL (SELECT shipment_id FROM transit_shipments WHERE service_id = $1 AND shipment_id = k.shipment_id LIMIT 1) b
        """;

    private const string InsertEventsSql = """
        INSERT INTO transit_journal_events
            (service_id, event_id, position, received_at, event_type, event_code, classifier, event_time, location,
             container, conveyance, shipments, payload)
        SELECT $1, i.event_id, i.position, i.received_at, i.event_type, i.event_code, i.classifier, i.event_time, i.location,
               i.container, i.conveyance, string_to_array(i.shipments, ' '), i.payload
        FROM unnest($2::text[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                    $9::text[], $10::text[], $11::text[], $12::text[], $13::bytea[])
            AS i(event_id, position, received_at, event_type, event_code, classifier, event_time, location,
                 container, conveyance, shipments, payload)
        """;

    private const string TakeKeptSql = "DELETE FROM transit_journal_entries WHERE service_id = $1 AND stream = ANY($2)";

    private const string InsertEntriesSql = """
        INSERT INTO transit_journal_entries (service_id, stream, position, kind, event_id, payload)
        SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::smallint[], $5::text[], $6::bytea[])
        """;

    private const string AssignSql = """
        INSERT INTO transit_container_bookings (service_id, container, shipment_id, position)
        SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[])
        ON CONFLICT (service_id, container, shipment_id) DO UPDATE SET position = EXCLUDED.position, released = false
        """;

    private const string ReleaseSql = """
        UPDATE transit_container_bookings b SET released = true
        FROM unnest($2::text[], $3::text[]) AS r(container, shipment_id)
        WHERE b.service_id = $1 AND b.container = r.container AND b.shipment_id = r.shipment_id
        """;

    private const string FollowSql = """
        INSERT INTO transit_conveyance_followers (service_id, conveyance, shipment_id)
        SELECT $1, * FROM unnest($2::text[], $3::text[])
        ON CONFLICT DO NOTHING
        """;

    private const string UnfollowSql = "DELETE FROM transit_conveyance_followers WHERE service_id = $1 AND shipment_id = ANY($2)";

    private const string ListSql = """
        INSERT INTO transit_shipments (service_id, shipment_id, forwarder, status, booked_at)
        SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
        ON CONFLICT DO NOTHING
        """;

    private const string StatusSql = """
        UPDATE transit_shipments s SET status = c.status
        FROM unnest($2::text[], $3::text[]) AS c(shipment_id, status)
        WHERE s.service_id = $1 AND s.shipment_id = c.shipment_id AND s.status <> c.status
        """;

    private const string WakeUpSql = """
        INSERT INTO transit_wake_ups (service_id, stream, wake_up_at, held_by)
        SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::text[])
        ON CONFLICT (service_id, stream) DO UPDATE SET wake_up_at = EXCLUDED.wake_up_at, held_by = EXCLUDED.held_by
        """;

    private const string NoWakeUpSql = "DELETE FROM transit_wake_ups WHERE service_id = $1 AND stream = ANY($2)";

    private const string MoveHeadSql = "UPDATE transit_journal_head SET position = $2 WHERE service_id = $1";

    private const string HeadSql = "INSERT INTO transit_journal_head (service_id, position) VALUES ($1, 0) ON CONFLICT DO NOTHING";

    // One statement, so the head read and the entries read share one snapshot: nothing up to the head is missing.
    private const string ReadSql = """
        SELECT k.i, t.position, t.kind, t.payload,
               coalesce((SELECT position FROM transit_journal_head WHERE service_id = $1), 0)
        FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS k(stream, after, i)
        LEFT JOIN LATERAL (SELECT t.position, t.kind, coalesce(e.payload, t.payload) AS payload
                           FROM transit_journal_entries t
                           LEFT JOIN transit_journal_events e ON e.service_id = t.service_id AND e.event_id = t.event_id
                           WHERE t.service_id = $1 AND t.stream = k.stream AND t.position > k.after OFFSET 0) t ON true
        ORDER BY k.i, t.position
        """;

    public Task<JournalPlan> CommitAsync(IReadOnlyList<JournalCommand> commands) =>
        database.RunAsync(async connection =>
        {
            try
            {
                var keys = JournalPlanner.KeysOf(commands);
                var routing = await ReadRoutingAsync(connection, keys);
                var plan = JournalPlanner.Plan(commands, routing);
                if (plan.MissingCalls.Count > 0)
                {
                    routing = await WithCallsAsync(connection, routing, plan.MissingCalls);
                    plan = JournalPlanner.Plan(commands, routing);
                }

                await WriteAsync(connection, plan);
                return plan;
            }
            catch
            {
                await RollBackAsync(connection);
                throw;
            }
        });

    public Task<IReadOnlyList<JournalTail>> ReadAsync(IReadOnlyList<StreamRead> reads) =>
        database.RunAsync<IReadOnlyList<JournalTail>>(async connection =>
        {
            await using var command = new NpgsqlCommand(ReadSql, connection);
            command.Parameters.Add(ServiceId());
            command.Parameters.Add(Texts(reads.Select(r => r.Stream)));
            command.Parameters.Add(Longs(reads.Select(r => r.After)));
            var entries = reads.Select(_ => new List<JournalEntry>()).ToArray();
            long head = 0;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var i = (int)reader.GetInt64(0) - 1;
                head = reader.GetInt64(4);
                if (reader.IsDBNull(1))
                {
                    continue;
                }

                var payload = reader.GetFieldValue<byte[]>(3);
                entries[i].Add(reader.GetInt16(2) == JournalPayloads.Record
                    ? new JournalEntry(reader.GetInt64(1), null, payloads.RecordOf(payload))
                    : new JournalEntry(reader.GetInt64(1), payloads.Event(payload), null));
            }

            return entries.Select(e => new JournalTail(e, head)).ToList();
        });

    private async Task<JournalRouting> ReadRoutingAsync(NpgsqlConnection connection, JournalKeys keys)
    {
        if (!_headExists)
        {
            await using var createHead = Command(connection, HeadSql);
            await createHead.ExecuteNonQueryAsync();
            _headExists = true;
        }

        var containers = keys.Containers.Select(c => c.Value).ToList();
        var conveyances = keys.Conveyances.Select(c => c.ToString()).ToList();
        var keptStreams = keys.KeptOf.Select(JournalStreams.Container).ToList();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(Statement(LockHeadSql));
        Add(batch, ClaimedSql, keys.EventIds);
        Add(batch, HoldersSql, containers);
        Add(batch, FollowersSql, conveyances);
        Add(batch, StreamEventsSql, keptStreams);
        Add(batch, BookedSql, keys.Bookings);

        long head = 0;
        var claimed = new Dictionary<string, ClaimedEvent>(StringComparer.Ordinal);
        var holders = new Dictionary<ContainerNumber, ContainerHolder>();
        var followers = new Dictionary<ConveyanceKey, IReadOnlySet<string>>();
        var kept = new Dictionary<ContainerNumber, IReadOnlyList<TransitEvent>>();
        var booked = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            if (await reader.ReadAsync())
            {
                head = reader.GetInt64(0);
            }

            await reader.NextResultAsync();
            if (keys.EventIds.Count > 0)
            {
                while (await reader.ReadAsync())
                {
                    claimed[reader.GetString(0)] = new ClaimedEvent(payloads.Event(reader.GetFieldValue<byte[]>(1)), reader.GetFieldValue<string[]>(2));
                }

                await reader.NextResultAsync();
            }

            if (containers.Count > 0)
            {
                while (await reader.ReadAsync())
                {
                    holders[ContainerNumber.Parse(reader.GetString(0))] = new ContainerHolder(
                        reader.GetString(1), reader.GetBoolean(2), Enum.Parse<ShipmentStatus>(reader.GetString(3)));
                }

                await reader.NextResultAsync();
            }

            if (conveyances.Count > 0)
            {
                var sets = new Dictionary<ConveyanceKey, HashSet<string>>();
                while (await reader.ReadAsync())
                {
                    var key = ConveyanceKey.Parse(reader.GetString(0));
                    if (!sets.TryGetValue(key, out var set))
                    {
                        sets[key] = set = new HashSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(reader.GetString(1));
                }

                foreach (var (key, set) in sets)
                {
                    followers[key] = set;
                }

                await reader.NextResultAsync();
            }

            if (keptStreams.Count > 0)
            {
                foreach (var (stream, events) in await ReadStreamEventsAsync(reader))
                {
                    kept[ContainerNumber.Parse(stream[(stream.IndexOf('/', StringComparison.Ordinal) + 1)..])] = events;
                }

                await reader.NextResultAsync();
            }

            if (keys.Bookings.Count > 0)
            {
                while (await reader.ReadAsync())
                {
                    booked.Add(reader.GetString(0));
                }
            }
        }

        return new JournalRouting { Head = head, Claimed = claimed, Holders = holders, Followers = followers, Kept = kept, Booked = booked };
    }

    private async Task<JournalRouting> WithCallsAsync(NpgsqlConnection connection, JournalRouting routing, IReadOnlyCollection<ConveyanceKey> conveyances)
    {
        await using var command = Command(connection, CallsSql);
        command.Parameters.Add(Texts(conveyances.Select(JournalStreams.Conveyance)));
        await using var reader = await command.ExecuteReaderAsync();
        var byStream = await ReadStreamEventsAsync(reader);
        var calls = conveyances.ToDictionary(c => c, c => byStream.GetValueOrDefault(JournalStreams.Conveyance(c)) ?? (IReadOnlyList<TransitEvent>)[]);
        return new JournalRouting
        {
            Head = routing.Head,
            Claimed = routing.Claimed,
            Holders = routing.Holders,
            Followers = routing.Followers,
            Kept = routing.Kept,
            Booked = routing.Booked,
            Calls = calls,
        };
    }

    private async Task<Dictionary<string, IReadOnlyList<TransitEvent>>> ReadStreamEventsAsync(NpgsqlDataReader reader)
    {
        var byStream = new Dictionary<string, List<TransitEvent>>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var stream = reader.GetString(0);
            if (!byStream.TryGetValue(stream, out var events))
            {
                byStream[stream] = events = [];
            }

            events.Add(payloads.Event(reader.GetFieldValue<byte[]>(1)));
        }

        return byStream.ToDictionary(p => p.Key, p => (IReadOnlyList<TransitEvent>)p.Value, StringComparer.Ordinal);
    }

    private async Task WriteAsync(NpgsqlConnection connection, JournalPlan plan)
    {
        await using var batch = new NpgsqlBatch(connection);
        if (plan.Events.Count > 0)
        {
            var events = plan.Events;
            batch.BatchCommands.Add(Statement(InsertEventsSql,
                Texts(events.Select(p => p.Event.EventId)),
                Longs(events.Select(p => p.Position)),
                Times(events.Select(p => p.Event.ReceivedAt.ToDateTimeUtc())),
                Texts(events.Select(p => p.Event.EventType.ToString())),
                Texts(events.Select(p => p.Event.EventCode.ToString())),
                Texts(events.Select(p => p.Event.Classifier.ToString())),
                Times(events.Select(p => p.Event.OccurredAt.ToDateTimeUtc())),
                Texts(events.Select(p => p.Event.Location.Value)),
                Texts(events.Select(p => p.Event.ContainerNumber?.Value)),
                Texts(events.Select(p => p.Event.Conveyance?.ToString())),
                Texts(events.Select(p => string.Join(' ', p.Shipments))),
                Bytes(events.Select(p => payloads.Of(p.Event)))));
        }

        if (plan.KeptTaken.Count > 0)
        {
            batch.BatchCommands.Add(Statement(TakeKeptSql, Texts(plan.KeptTaken.Select(JournalStreams.Container))));
        }

        if (plan.Entries.Count > 0)
        {
            var entries = plan.Entries;
            batch.BatchCommands.Add(Statement(InsertEntriesSql,
                Texts(entries.Select(e => e.Stream)),
                Longs(entries.Select(e => e.Position)),
                new NpgsqlParameter<short[]> { TypedValue = entries.Select(JournalPayloads.KindOf).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint },
                Texts(entries.Select(e => e.Event?.EventId)),
                Bytes(entries.Select(e => e.Record is { } record ? payloads.Of(record) : null))));
        }

        if (plan.Assigned.Count > 0)
        {
            batch.BatchCommands.Add(Statement(AssignSql,
                Texts(plan.Assigned.Select(a => a.Container.Value)),
                Texts(plan.Assigned.Select(a => a.ShipmentId)),
                Longs(plan.Assigned.Select(a => a.Position))));
        }

        if (plan.Released.Count > 0)
        {
            batch.BatchCommands.Add(Statement(ReleaseSql,
                Texts(plan.Released.Select(r => r.Container.Value)),
                Texts(plan.Released.Select(r => r.ShipmentId))));
        }

        if (plan.Followed.Count > 0)
        {
            batch.BatchCommands.Add(Statement(FollowSql,
                Texts(plan.Followed.Select(f => f.Conveyance.ToString())),
                Texts(plan.Followed.Select(f => f.ShipmentId))));
        }

        if (plan.Unfollowed.Count > 0)
        {
            batch.BatchCommands.Add(Statement(UnfollowSql, Texts(plan.Unfollowed)));
        }

        if (plan.Listed.Count > 0)
        {
            batch.BatchCommands.Add(Statement(ListSql,
                Texts(plan.Listed.Select(l => l.ShipmentId)),
                Texts(plan.Listed.Select(l => l.Forwarder)),
                Texts(plan.Listed.Select(l => l.Status.ToString())),
                Times(plan.Listed.Select(l => l.BookedAt.ToDateTimeUtc()))));
        }

        // A shipment may change twice in one group: the last change is what stands.
        var statuses = LastOf(plan.StatusChanged, s => s.ShipmentId);
        if (statuses.Count > 0)
        {
            batch.BatchCommands.Add(Statement(StatusSql,
                Texts(statuses.Select(s => s.ShipmentId)),
                Texts(statuses.Select(s => s.Status.ToString()))));
        }

        var wakeUps = LastOf(plan.WakeUps, w => w.Stream);
        var kept = wakeUps.Where(w => w.WakeUp.At is not null || w.WakeUp.HeldBy is not null).ToList();
        if (kept.Count > 0)
        {
            batch.BatchCommands.Add(Statement(WakeUpSql,
                Texts(kept.Select(w => w.Stream)),
                new NpgsqlParameter<DateTime?[]>
                {
                    TypedValue = kept.Select(w => w.WakeUp.At?.ToDateTimeUtc()).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
                },
                Texts(kept.Select(w => w.WakeUp.HeldBy))));
        }

        var cleared = wakeUps.Except(kept).ToList();
        if (cleared.Count > 0)
        {
            batch.BatchCommands.Add(Statement(NoWakeUpSql, Texts(cleared.Select(w => w.Stream))));
        }

        batch.BatchCommands.Add(Statement(MoveHeadSql, new NpgsqlParameter<long> { TypedValue = plan.Head }));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync();
    }

    private static List<T> LastOf<T>(IEnumerable<T> changes, Func<T, string> key) =>
        changes.GroupBy(key, StringComparer.Ordinal).Select(g => g.Last()).ToList();

    private static async Task RollBackAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is broken; the server rolls the transaction back when the session ends.
        }
    }

    private void Add(NpgsqlBatch batch, string sql, IReadOnlyCollection<string> keys)
    {
        if (keys.Count > 0)
        {
            batch.BatchCommands.Add(Statement(sql, Texts(keys)));
        }
    }

    private NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(ServiceId());
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(ServiceId());
        return command;
    }

    private NpgsqlParameter<string> ServiceId() => new() { TypedValue = database.ServiceId };

    private static NpgsqlParameter<string?[]> Texts(IEnumerable<string?> values) =>
        new() { TypedValue = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter<long[]> Longs(IEnumerable<long> values) =>
        new() { TypedValue = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint };

    private static NpgsqlParameter<DateTime[]> Times(IEnumerable<DateTime> values) =>
        new() { TypedValue = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter<byte[]?[]> Bytes(IEnumerable<byte[]?> values) =>
        new() { TypedValue = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea };
}
