// The reference of the benchmark: the event ingest a team without Orleans would write. Same POST bodies as
// TransitGrains (shared/api.md), one PostgreSQL transaction per event: insert the event under its unique id
// (a repeated id is a DUPLICATE) and update the row of every shipment it concerns. No validation beyond the
// JSON shape, no fold, no fan-out bookkeeping, no outbox: the cost of one durable write per event, written plainly.
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connection = builder.Configuration.GetConnectionString("Plain")
    ?? throw new InvalidOperationException("set ConnectionStrings:Plain");
// The same pool tuning TransitGrains applies (see src/TransitGrains.Persistence/PostgresConnection.cs), so both
// sides of the comparison talk to PostgreSQL alike.
var tuned = new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = 20, NoResetOnClose = true, MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 };
await using var dataSource = NpgsqlDataSource.Create(tuned.ConnectionString);
await CreateSchema(dataSource);

var app = builder.Build();
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

app.MapGet("/health/ready", () => Results.Ok());

app.MapPost("/api/v1/shipments", async (HttpRequest request) =>
{
    var booking = await JsonSerializer.DeserializeAsync<Booking>(request.Body, json);
    if (booking is null || booking.Containers.Count == 0)
    {
        return Results.BadRequest();
    }

    await using var db = await dataSource.OpenConnectionAsync();
    await using var tx = await db.BeginTransactionAsync();
    var inserted = await Execute(db, "INSERT INTO shipments (shipment_id, status, booking) VALUES ($1, 'BOOKED', $2::jsonb) ON CONFLICT DO NOTHING",
        booking.ShipmentId, JsonSerializer.Serialize(booking, json));
    foreach (var container in booking.Containers)
    {
        await Execute(db, "INSERT INTO containers (container_number, shipment_id) VALUES ($1, $2) ON CONFLICT (container_number) DO UPDATE SET shipment_id = excluded.shipment_id", container, booking.ShipmentId);
    }

    foreach (var leg in booking.Legs)
    {
        await Execute(db, "INSERT INTO legs (conveyance_id, shipment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", leg.ConveyanceId, booking.ShipmentId);
    }

    await tx.CommitAsync();
    return inserted == 1 ? Results.Created($"/api/v1/shipments/{booking.ShipmentId}", null) : Results.Ok();
});

app.MapPost("/api/v1/events", async (HttpRequest request) =>
{
    var batch = await JsonSerializer.DeserializeAsync<Batch>(request.Body, json);
    if (batch?.Events is not { Count: > 0 and <= 1000 } events)
    {
        return Results.BadRequest();
    }

    var results = new List<Result>(events.Count);
    await using var db = await dataSource.OpenConnectionAsync();
    foreach (var e in events)
    {
        await using var tx = await db.BeginTransactionAsync();
        var body = JsonSerializer.Serialize(e, json);
        var isNew = await Execute(db, "INSERT INTO events (event_id, body, received_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (event_id) DO NOTHING", e.EventId, body) == 1;
        if (isNew)
        {
            // A transport event concerns every shipment booked on the conveyance; any other the container's shipment.
            var sql = e.EventType == "TRANSPORT"
                ? "UPDATE shipments SET status = 'IN_TRANSIT', event_count = event_count + 1, last_event = $2::jsonb WHERE shipment_id IN (SELECT shipment_id FROM legs WHERE conveyance_id = $1)"
                : "UPDATE shipments SET status = 'IN_TRANSIT', event_count = event_count + 1, last_event = $2::jsonb WHERE shipment_id = (SELECT shipment_id FROM containers WHERE container_number = $1)";
            await Execute(db, sql, e.EventType == "TRANSPORT" ? e.ConveyanceId ?? "" : e.ContainerNumber ?? "", body);
        }

        await tx.CommitAsync();
        results.Add(new Result(e.EventId, isNew ? "ACCEPTED" : "DUPLICATE"));
    }

    return Results.Ok(new BatchResult(results));
});

await app.RunAsync();

static async Task<int> Execute(NpgsqlConnection db, string sql, params object[] values)
{
    await using var command = new NpgsqlCommand(sql, db);
    foreach (var value in values)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value });
    }

    return await command.ExecuteNonQueryAsync();
}

static async Task CreateSchema(NpgsqlDataSource dataSource)
{
    await using var command = dataSource.CreateCommand("""
        CREATE TABLE IF NOT EXISTS events (event_id text PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS shipments (shipment_id text PRIMARY KEY, status text NOT NULL, booking jsonb NOT NULL,
            event_count int NOT NULL DEFAULT 0, last_event jsonb);
        CREATE TABLE IF NOT EXISTS containers (container_number text PRIMARY KEY, shipment_id text NOT NULL);
        CREATE TABLE IF NOT EXISTS legs (conveyance_id text NOT NULL, shipment_id text NOT NULL, PRIMARY KEY (conveyance_id, shipment_id));
        """);
    await command.ExecuteNonQueryAsync();
}

internal sealed record Booking(string ShipmentId, List<string> Containers, List<Leg> Legs, JsonElement? ExportDeclaration, string? TradeMode, string? Forwarder);

internal sealed record Leg(string Mode, string ConveyanceId, string From, string To);

internal sealed record Batch(List<Event> Events);

internal sealed record Event(
    string EventId, string EventType, string EventCode, string? Classifier, string EventDateTime, string Location,
    string? Facility, string? ModeOfTransport, string? ConveyanceId, string? ContainerNumber, string? DeclarationNumber);

internal sealed record Result(string EventId, string Status);

internal sealed record BatchResult(List<Result> Results);
