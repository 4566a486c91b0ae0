using Npgsql;

namespace TransitGrains.Benchmarks;

/// <summary>
/// Reads what the durable profile stored: the journal's events and stream entries, and per grain type the snapshots in
/// Orleans' grain storage (rows, writes — Version counts every write of a row — and sizes). Two readings around the
/// ingest give rows and writes per accepted event, measured, not estimated.
/// </summary>
public sealed record StorageProfile(
    IReadOnlyDictionary<string, (long Rows, long Writes, double AvgBytes, long MaxBytes)> Snapshots, long Events, long Entries, long Commits)
{
    public static async Task<StorageProfile> Read(string connection)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var snapshots = new Dictionary<string, (long, long, double, long)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT graintypestring, count(*), sum(version), coalesce(avg(octet_length(payloadbinary)), 0), coalesce(max(octet_length(payloadbinary)), 0)
            FROM orleansstorage GROUP BY 1
            """, db))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                snapshots[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), (double)reader.GetDecimal(3), reader.GetInt64(4));
            }
        }

        return new StorageProfile(
            snapshots,
            await Count(db, "SELECT count(*) FROM transit_journal_events"),
            await Count(db, "SELECT count(*) FROM transit_journal_entries"),
            await Count(db, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"));
    }

    private static async Task<long> Count(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static IEnumerable<(string Name, string Value)> Describe(StorageProfile before, StorageProfile after, int acceptedEvents)
    {
        var n = Math.Max(1, acceptedEvents);
        var deltas = after.Snapshots
            .Select(t => (Type: t.Key, Writes: t.Value.Writes - before.Snapshots.GetValueOrDefault(t.Key).Writes, t.Value.AvgBytes, t.Value.MaxBytes, t.Value.Rows))
            .OrderByDescending(d => d.Writes).ToList();
        yield return ("journal rows per accepted event", $"{(after.Events - before.Events) / (double)n:F2} event, "
            + $"{(after.Entries - before.Entries) / (double)n:F2} stream entries (events and records)");
        var written = deltas.Where(d => d.Writes > 0).ToList();
        yield return ("snapshot writes per accepted event (measured)", $"{deltas.Sum(d => d.Writes) / (double)n:F3}"
            + (written.Count == 0 ? " (none: no grain reached its snapshot interval)" : ": " + string.Join(", ", written.Select(d => $"{d.Type} {d.Writes / (double)n:F3}"))));
        yield return ("PostgreSQL commits per accepted event", $"{(after.Commits - before.Commits) / (double)n:F2} (every transaction: journal groups, snapshots, reads, membership)");
        yield return ("snapshot size (avg / max bytes)", deltas.Count == 0 ? "no snapshots stored"
            : string.Join(", ", deltas.Select(d => $"{d.Type} {d.AvgBytes:F0}/{d.MaxBytes} ({d.Rows} rows)")));
    }
}
