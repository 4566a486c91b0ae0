using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence.Journal;

/// <summary>The listing and the container bookings the journal writes (migration 0007), as any silo reads them.</summary>
internal sealed class PostgresShipmentIndex(TransitDatabase database) : IShipmentIndex
{
    // The latest booking of each container, if its shipment is the forwarder's.
    private const string BookedBySql = """
        SELECT l.container FROM (
            SELECT DISTINCT ON (b.container) b.container, b.shipment_id
            FROM transit_container_bookings b
            WHERE b.service_id = $1 AND b.container = ANY($2)
            ORDER BY b.container, b.position DESC) l
        JOIN transit_shipments s ON s.service_id = $1 AND s.shipment_id = l.shipment_id
        WHERE s.forwarder = $3
        """;

    /// <summary>
    /// One statement per page, shaped by what is asked (so each shape has its own plan on its own index, read backwards):
    /// the listing newest booking first, one more row than the page to know whether another follows.
    /// </summary>
    public Task<ShipmentPage> PageAsync(ShipmentQuery query, CancellationToken cancellationToken) =>
        database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand { Connection = connection };
            string Parameter(NpgsqlParameter parameter)
            {
                command.Parameters.Add(parameter);
                return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
            }

            var where = new List<string> { $"s.service_id = {Parameter(new NpgsqlParameter<string> { TypedValue = database.ServiceId })}" };
            if (query.Forwarder is { } forwarder)
            {
                where.Add($"s.forwarder = {Parameter(new NpgsqlParameter<string> { TypedValue = forwarder })}");
            }

            if (query.Status is { } status)
            {
                where.Add($"s.status = {Parameter(new NpgsqlParameter<string> { TypedValue = status.ToString() })}");
            }

            if (query.Container is { } container)
            {
                where.Add($"""
                    s.shipment_id IN (SELECT b.shipment_id FROM transit_container_bookings b
                                      WHERE b.service_id = s.service_id AND b.container = {Parameter(new NpgsqlParameter<string> { TypedValue = container })})
                    """);
            }

            if (query.After is { } after)
            {
                var bookedAt = Parameter(new NpgsqlParameter<DateTime> { TypedValue = after.BookedAt.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                where.Add($"(s.booked_at, s.shipment_id) < ({bookedAt}, {Parameter(new NpgsqlParameter<string> { TypedValue = after.ShipmentId })})");
            }

            var limit = Parameter(new NpgsqlParameter<int> { TypedValue = query.Limit + 1 });
            command.CommandText = $"""
                SELECT s.shipment_id, s.booked_at FROM transit_shipments s
                WHERE {string.Join(" AND ", where)}
                ORDER BY s.booked_at DESC, s.shipment_id DESC
                LIMIT {limit}
                """;

            var rows = new List<ListingPosition>(query.Limit + 1);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new ListingPosition(Instant.FromDateTimeUtc(reader.GetFieldValue<DateTime>(1)), reader.GetString(0)));
            }

            return ShipmentPage.Of(rows, query.Limit);
        });

    public Task<IReadOnlySet<string>> BookedByAsync(string forwarder, IReadOnlyCollection<string> containers, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlySet<string>>(async connection =>
        {
            await using var command = new NpgsqlCommand(BookedBySql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = containers.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = forwarder });
            var own = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                own.Add(reader.GetString(0));
            }

            return own;
        });
}

/// <summary>The wake-up rows the journal writes, as every silo's sweeper asks for them.</summary>
internal sealed class PostgresWakeUpSchedule(TransitDatabase database) : IWakeUpSchedule
{
    private const string DueSql = """
        SELECT stream FROM transit_wake_ups
        WHERE service_id = $1 AND (wake_up_at <= $2 OR (held_by IS NOT NULL AND NOT held_by = ANY($3)))
        ORDER BY wake_up_at NULLS FIRST
        LIMIT $4
        """;

    public Task<IReadOnlyList<string>> DueAsync(Instant now, IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<string>>(async connection =>
        {
            await using var command = new NpgsqlCommand(DueSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = liveSilos.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var due = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(reader.GetString(0));
            }

            return due;
        });
}
