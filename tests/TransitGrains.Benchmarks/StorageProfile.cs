using Npgsql;

namespace TransitGrains.Benchmarks;

/// <summary>
/// Reads the grain state table: per state (shipment, conveyance, container) the rows, the writes (Version counts every write of a row) and the
/// stored state size; and the rows of the event-id ledger. Two readings around the ingest give writes per accepted
/// event, measured, not estimated.
/// </summary>
public sealed record StorageProfile(
    IReadOnlyDictionary<string, (long Rows, long Writes, double AvgBytes, long MaxBytes)> Types, long EventIds, long Commits)
{
    public static async Task<StorageProfile> Read(string connection)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var types = new Dictionary<string, (long, long, double, long)>();
        await using (var command = new NpgsqlCommand(
            "SELECT state_name, count(*), sum(version), coalesce(avg(octet_length(payload)), 0), coalesce(max(octet_length(payload)), 0) FROM transit_grain_state GROUP BY 1", db))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                types[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), (double)reader.GetDecimal(3), reader.GetInt64(4));
            }
        }

        await using var eventIds = new NpgsqlCommand("SELECT count(*) FROM transit_event_ids", db);
        var eventIdRows = (long)(await eventIds.ExecuteScalarAsync())!;
        await using var commits = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", db);
        return new StorageProfile(types, eventIdRows, (long)(await commits.ExecuteScalarAsync())!);
    }

    public static IEnumerable<(string Name, string Value)> Describe(StorageProfile before, StorageProfile after, int acceptedEvents)
    {
        var n = Math.Max(1, acceptedEvents);
        var deltas = after.Types.Select(t => (Type: t.Key, Writes: t.Value.Writes - before.Types.GetValueOrDefault(t.Key).Writes, t.Value.AvgBytes, t.Value.MaxBytes, t.Value.Rows))
            .OrderByDescending(d => d.Writes).ToList();
        yield return ("storage writes per accepted event (measured)", $"{deltas.Sum(d => d.Writes) / (double)n:F2}: "
            + string.Join(", ", deltas.Where(d => d.Writes > 0).Select(d => $"{d.Type} {d.Writes / (double)n:F2}")));
        yield return ("event ids claimed (ledger rows, one INSERT per batch)", $"{after.EventIds - before.EventIds}");
        yield return ("PostgreSQL commits per accepted event", $"{(after.Commits - before.Commits) / (double)n:F2} (every transaction: grain-state groups, event-id claims, reads, membership)");
        yield return ("stored state size (avg / max bytes)", string.Join(", ", deltas.Select(d => $"{d.Type} {d.AvgBytes:F0}/{d.MaxBytes} ({d.Rows} rows)")));
    }
}
