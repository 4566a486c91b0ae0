using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Persistence;

/// <summary>
/// Claims a whole batch of event ids in one statement on <c>transit_event_ids</c> (migration 0004), instead of
/// activating, reading and writing one grain per id: one commit per batch rather than one per event.
/// </summary>
/// <remarks>
/// The INSERT commits before <see cref="Claim"/> returns, so a claim is durable before the intake routes the event.
/// Ids are inserted in sorted order: two batches claiming the same ids wait on each other in the same order and
/// cannot deadlock. An id already claimed (earlier, or by a concurrent batch whose insert this one waited for) is read
/// back by a second statement, which under READ COMMITTED sees that commit. A claim run again after its connection broke
/// (<see cref="TransitDatabase"/>) may find ids its first run inserted: on that second run, an id whose stored event is
/// this very report (received at the same instant, through the same key) is taken for this report's own claim.
/// </remarks>
public sealed class PostgresEventIdLedger(TransitDatabase database, Serializer serializer) : IEventIdLedger
{
    private const string ClaimSql = """
        INSERT INTO transit_event_ids (service_id, event_id, first_event)
        SELECT $1, r.event_id, r.first_event
        FROM unnest($2::varchar[], $3::bytea[]) AS r(event_id, first_event)
        ORDER BY r.event_id
        ON CONFLICT DO NOTHING
        RETURNING event_id
        """;

    private const string FirstEventsSql = """
        SELECT event_id, first_event FROM transit_event_ids WHERE service_id = $1 AND event_id = ANY($2)
        """;

    public async Task<IReadOnlyList<EventClaim>> Claim(IReadOnlyList<TransitEvent> reported)
    {
        ArgumentNullException.ThrowIfNull(reported);
        var runs = 0;
        return reported.Count == 0 ? [] : await database.RunAsync(connection => Claim(connection, reported, repeated: ++runs > 1));
    }

    private async Task<IReadOnlyList<EventClaim>> Claim(NpgsqlConnection connection, IReadOnlyList<TransitEvent> reported, bool repeated)
    {
        var ids = reported.Select(e => e.EventId).ToArray();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        await using (var insert = new NpgsqlCommand(ClaimSql, connection))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
            insert.Parameters.Add(new NpgsqlParameter<byte[][]>
            {
                TypedValue = reported.Select(e => serializer.SerializeToArray(e)).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea,
            });
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                claimed.Add(reader.GetString(0));
            }
        }

        var firstEvents = claimed.Count == ids.Length
            ? new Dictionary<string, TransitEvent>(StringComparer.Ordinal)
            : await ReadFirstEvents(connection, ids.Where(id => !claimed.Contains(id)).ToArray());

        return reported
            .Select(e => claimed.Contains(e.EventId) || (repeated && firstEvents[e.EventId] == e)
                ? new EventClaim(e, IsFirst: true)
                : new EventClaim(firstEvents[e.EventId], IsFirst: false))
            .ToList();
    }

    private async Task<Dictionary<string, TransitEvent>> ReadFirstEvents(NpgsqlConnection connection, string[] ids)
    {
        await using var select = new NpgsqlCommand(FirstEventsSql, connection);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
        select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        var firstEvents = new Dictionary<string, TransitEvent>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            firstEvents[reader.GetString(0)] = serializer.Deserialize<TransitEvent>(reader.GetFieldValue<byte[]>(1))
                ?? throw new InvalidOperationException($"event id {reader.GetString(0)} has no stored event");
        }

        return firstEvents;
    }
}
