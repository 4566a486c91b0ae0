using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence;

/// <summary>
/// Grain storage on <c>transit_grain_state</c> (migration 0005) with group commit: the writes that grains make at the
/// same time (every shipment of a batch, concurrent batches, bookings) are gathered and stored in one statement, one
/// transaction, one WAL flush. Each write completes only after that commit, so an acknowledged event is as durable as
/// with one transaction per write; the version check of Orleans' storage contract is made per row inside the statement,
/// so one grain's conflict fails that write alone. Reads made at the same time (a burst of activations) are gathered
/// into one query in the same way. A state's wake-up time and a shipment's listing are written in the same statement,
/// into columns beside it (migrations 0005, 0006).
/// </summary>
public sealed class PostgresGrainStateStore : IGrainStorage, IWakeUpSchedule, IShipmentIndex, IAsyncDisposable
{
    // Bounds the statement (a group of 4 KB shipment states is a few MB at most) and the wait of the last write in it.
    private const int MaxGroup = 256;

    // Two groups in flight: one is being committed while the next gathers, and a slow commit never holds up every grain.
    private const int Concurrency = 2;

    // Rows another transaction holds locked are skipped, not waited for, and written again on their own (below): a
    // write held up by a lock (another activation's, an operator's) never holds up the other grains of its group. Each
    // row is found through the primary key (LATERAL), whatever the planner guesses of the input's size. The result
    // lists the written rows with their new versions, then every row locked here with a null version: one that was
    // locked but not written was not at the expected version, a conflict.
    private const string WriteSql = """
        WITH input AS (
            SELECT * FROM unnest($2::text[], $3::text[], $4::bytea[], $5::integer[], $6::timestamptz[], $7::text[], $8::text[], $9::timestamptz[])
                AS i(grain_id, state_name, payload, version, wake_up_at, forwarder, status, booked_at)
        ),
        free AS (
            SELECT f.grain_id, f.state_name
            FROM input i
            CROSS JOIN LATERAL (
                SELECT s.grain_id, s.state_name FROM transit_grain_state s
                WHERE s.service_id = $1 AND s.grain_id = i.grain_id AND s.state_name = i.state_name
                FOR UPDATE SKIP LOCKED
            ) f
            WHERE i.version IS NOT NULL
        ),
        updated AS (
            UPDATE transit_grain_state s
            SET payload = i.payload, version = s.version + 1, wake_up_at = i.wake_up_at, written_at = now(),
                forwarder = i.forwarder, status = i.status, booked_at = i.booked_at
            FROM input i JOIN free f USING (grain_id, state_name)
            WHERE s.service_id = $1 AND s.grain_id = i.grain_id AND s.state_name = i.state_name AND s.version = i.version
            RETURNING s.grain_id, s.state_name, s.version
        ),
        inserted AS (
            INSERT INTO transit_grain_state (service_id, grain_id, state_name, payload, version, wake_up_at, forwarder, status, booked_at)
            SELECT $1, i.grain_id, i.state_name, i.payload, 1, i.wake_up_at, i.forwarder, i.status, i.booked_at FROM input i WHERE i.version IS NULL
            ON CONFLICT DO NOTHING
            RETURNING grain_id, state_name, version
        )
        SELECT grain_id, state_name, version FROM updated
        UNION ALL
        SELECT grain_id, state_name, version FROM inserted
        UNION ALL
        SELECT grain_id, state_name, NULL FROM free
        """;

    // One write on its own: waits for a row lock instead of skipping it.
    private static readonly string WriteWaitingSql = WriteSql.Replace(" SKIP LOCKED", "", StringComparison.Ordinal);

    private const string ReadSql = """
        SELECT s.grain_id, s.state_name, s.payload, s.version
        FROM unnest($2::text[], $3::text[]) AS k(grain_id, state_name)
        JOIN transit_grain_state s ON s.service_id = $1 AND s.grain_id = k.grain_id AND s.state_name = k.state_name
        """;

    private const string ClearSql = """
        DELETE FROM transit_grain_state
        WHERE service_id = $1 AND grain_id = $2 AND state_name = $3 AND version = $4
        """;

    private const string DueSql = """
        SELECT grain_id FROM transit_grain_state
        WHERE service_id = $1 AND wake_up_at <= $2
        ORDER BY wake_up_at
        LIMIT $3
        """;

    private readonly TransitDatabase _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly RequestBatcher<StateWrite, int?> _writes;
    private readonly RequestBatcher<StateRead, StoredState?> _reads;

    public PostgresGrainStateStore(TransitDatabase database, IGrainStorageSerializer serializer, IActivatorProvider activators)
    {
        _database = database;
        _serializer = serializer;
        _activators = activators;
        _writes = new RequestBatcher<StateWrite, int?>(WriteGroupAsync, MaxGroup, Concurrency);
        _reads = new RequestBatcher<StateRead, StoredState?>(ReadGroupAsync, MaxGroup, Concurrency);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await _reads.Submit(new StateRead(new StateKey(grainId.ToString(), stateName)));
        StateVersions.Loaded(grainState, stored?.Payload, stored?.Version, _serializer, _activators);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new StateKey(grainId.ToString(), stateName);
        var expected = StateVersions.Of(grainState.ETag);
        var write = new StateWrite(
            key,
            _serializer.Serialize(grainState.State).ToArray(),
            expected,
            (grainState.State as IWakeUpTime)?.WakeUpAt,
            (grainState.State as IListedShipment)?.Listing);
        var version = await _writes.Submit(write)
            ?? throw StateVersions.Conflict("writing", stateName, grainId, grainState);
        StateVersions.Stored(grainState, version);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (StateVersions.Of(grainState.ETag) is { } expected)
        {
            var deleted = await _database.RunAsync(async connection =>
            {
                await using var command = new NpgsqlCommand(ClearSql, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.ToString() });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = expected });
                return await command.ExecuteNonQueryAsync();
            });
            if (deleted == 0)
            {
                throw StateVersions.Conflict("clearing", stateName, grainId, grainState);
            }
        }

        StateVersions.Cleared(grainState, _activators);
    }

    public Task<IReadOnlyList<GrainId>> DueAsync(Instant now, int limit, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<GrainId>>(async connection =>
        {
            await using var command = new NpgsqlCommand(DueSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var due = new List<GrainId>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(GrainId.Parse(reader.GetString(0)));
            }

            return due.Distinct().ToList(); // a grain with several states is woken once
        });

    /// <summary>
    /// One statement per page, shaped by what is asked (so each shape has its own plan on its own index, read backwards):
    /// the listing newest booking first, one more row than the page to know whether another follows.
    /// </summary>
    public Task<ShipmentPage> PageAsync(ShipmentQuery query, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand { Connection = connection };
            string Parameter(NpgsqlParameter parameter)
            {
                command.Parameters.Add(parameter);
                return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
            }

            var where = new List<string>
            {
                $"service_id = {Parameter(new NpgsqlParameter<string> { TypedValue = _database.ServiceId })}",
                "booked_at IS NOT NULL",
            };
            if (query.Forwarder is { } forwarder)
            {
                where.Add($"forwarder = {Parameter(new NpgsqlParameter<string> { TypedValue = forwarder })}");
            }

            if (query.Status is { } status)
            {
                where.Add($"status = {Parameter(new NpgsqlParameter<string> { TypedValue = status.ToString() })}");
            }

            if (query.Among is { } among)
            {
                where.Add($"grain_id = ANY({Parameter(TextArray(among.Select(g => g.ToString())))})");
            }

            if (query.After is { } after)
            {
                var bookedAt = Parameter(new NpgsqlParameter<DateTime> { TypedValue = after.BookedAt.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                where.Add($"(booked_at, grain_id) < ({bookedAt}, {Parameter(new NpgsqlParameter<string> { TypedValue = after.Grain.ToString() })})");
            }

            var limit = Parameter(new NpgsqlParameter<int> { TypedValue = query.Limit + 1 });
            command.CommandText = $"""
                SELECT grain_id, booked_at FROM transit_grain_state
                WHERE {string.Join(" AND ", where)}
                ORDER BY booked_at DESC, grain_id DESC
                LIMIT {limit}
                """;

            var rows = new List<ListingPosition>(query.Limit + 1);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new ListingPosition(Instant.FromDateTimeUtc(reader.GetFieldValue<DateTime>(1)), GrainId.Parse(reader.GetString(0))));
            }

            return ShipmentPage.Of(rows, query.Limit);
        });

    private async Task WriteGroupAsync(IReadOnlyList<StateWrite> group)
    {
        // A grain has one write in flight, so a key repeats only with two activations of one grain (a split cluster):
        // the second copy goes in a statement of its own, after the first, and meets the version check there.
        var seen = new HashSet<StateKey>();
        var first = new List<StateWrite>(group.Count);
        var later = new List<StateWrite>();
        foreach (var write in group)
        {
            (seen.Add(write.Key) ? first : later).Add(write);
        }

        await WriteDistinctAsync(first);
        if (later.Count > 0)
        {
            await WriteGroupAsync(later);
        }
    }

    private async Task WriteDistinctAsync(List<StateWrite> writes)
    {
        var (written, repeated) = await ExecuteWriteAsync(WriteSql, writes);
        foreach (var write in writes)
        {
            var found = written.TryGetValue(write.Key, out var version);
            if (version is not null)
            {
                // Only now, after the statement's commit: a write is acknowledged when it is durable.
                write.Complete(version);
            }
            else if (repeated)
            {
                write.Fail(OutcomeUnknown(write));
            }
            else if (found)
            {
                write.Complete(null); // a version conflict
            }
            else
            {
                _ = WriteAloneAsync(write); // its row was locked: it waits on its own, the group goes on
            }
        }
    }

    private async Task WriteAloneAsync(StateWrite write)
    {
        try
        {
            var (written, repeated) = await ExecuteWriteAsync(WriteWaitingSql, [write]);
            var version = written.GetValueOrDefault(write.Key);
            if (version is null && repeated)
            {
                write.Fail(OutcomeUnknown(write));
            }
            else
            {
                write.Complete(version);
            }
        }
        catch (Exception error)
        {
            write.Fail(error);
        }
    }

    /// <summary>
    /// The statement ran a second time after its connection broke (<see cref="TransitDatabase"/>), and this row was not
    /// written by the second run: the first may have committed it before the break, which the version check cannot tell
    /// from another activation's write. So the write is neither acknowledged nor called a conflict.
    /// </summary>
    private static StoreUnavailableException OutcomeUnknown(StateWrite write) =>
        new($"The store is unavailable: the connection broke while {write.Key.StateName} of {write.Key.GrainId} was written, and whether it was stored is unknown");

    /// <summary>
    /// Runs one write statement: the written rows with their new versions, and null for those that conflicted; and whether
    /// it had to run a second time.
    /// </summary>
    private async Task<(Dictionary<StateKey, int?> Written, bool Repeated)> ExecuteWriteAsync(string sql, List<StateWrite> writes)
    {
        var runs = 0;
        var written = await _database.RunAsync(async connection =>
        {
            runs++;
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
            command.Parameters.Add(TextArray(writes.Select(w => w.Key.GrainId)));
            command.Parameters.Add(TextArray(writes.Select(w => w.Key.StateName)));
            command.Parameters.Add(new NpgsqlParameter<byte[][]>
            {
                TypedValue = writes.Select(w => w.Payload).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea,
            });
            command.Parameters.Add(new NpgsqlParameter<int?[]>
            {
                TypedValue = writes.Select(w => w.ExpectedVersion).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer,
            });
            command.Parameters.Add(Times(writes.Select(w => w.WakeUpAt)));
            command.Parameters.Add(TextArray(writes.Select(w => w.Listing?.Forwarder)));
            command.Parameters.Add(TextArray(writes.Select(w => w.Listing?.Status.ToString())));
            command.Parameters.Add(Times(writes.Select(w => w.Listing?.BookedAt)));

            var rows = new Dictionary<StateKey, int?>(writes.Count);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                // A written row comes first with its version; its second mention, as locked, adds nothing.
                rows.TryAdd(new StateKey(reader.GetString(0), reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetInt32(2));
            }

            return rows;
        });
        return (written, runs > 1);
    }

    private Task ReadGroupAsync(IReadOnlyList<StateRead> group) =>
        _database.RunAsync(async connection =>
        {
            var keys = group.Select(r => r.Key).Distinct().ToList();
            await using var command = new NpgsqlCommand(ReadSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
            command.Parameters.Add(TextArray(keys.Select(k => k.GrainId)));
            command.Parameters.Add(TextArray(keys.Select(k => k.StateName)));

            var found = new Dictionary<StateKey, StoredState>(keys.Count);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var payload = reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2);
                    found[new StateKey(reader.GetString(0), reader.GetString(1))] = new StoredState(payload, reader.GetInt32(3));
                }
            }

            foreach (var read in group)
            {
                read.Complete(found.GetValueOrDefault(read.Key));
            }
        });

    private static NpgsqlParameter<string?[]> TextArray(IEnumerable<string?> values) =>
        new() { TypedValue = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter<DateTime?[]> Times(IEnumerable<Instant?> values) =>
        new() { TypedValue = values.Select(v => v?.ToDateTimeUtc()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _reads.DisposeAsync();
    }

    private readonly record struct StateKey(string GrainId, string StateName);

    private sealed record StoredState(byte[]? Payload, int Version);

    private sealed class StateRead(StateKey key) : BatchedRequest<StoredState?>
    {
        public StateKey Key { get; } = key;
    }

    /// <summary>Completes with the new version, or null when the stored version was not the expected one.</summary>
    private sealed class StateWrite(StateKey key, byte[] payload, int? expectedVersion, Instant? wakeUpAt, ShipmentListing? listing)
        : BatchedRequest<int?>
    {
        public StateKey Key { get; } = key;

        public byte[] Payload { get; } = payload;

        public int? ExpectedVersion { get; } = expectedVersion;

        public Instant? WakeUpAt { get; } = wakeUpAt;

        public ShipmentListing? Listing { get; } = listing;
    }
}
