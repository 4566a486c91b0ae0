using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Orleans.Serialization;
using TransitGrains.Abstractions;
using TransitGrains.Api;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Grains;
using TransitGrains.Persistence;
using TransitGrains.Persistence.Journal;

namespace TransitGrains.Benchmarks;

/// <summary>
/// The shipment listing (api.md 1.1) with 100,000 shipments stored: each is journaled straight through the PostgreSQL
/// journal (its booking, its events, and the decision that lists it with the status the shipment grain derives), a booking time spread
/// over a year, and half of them the forwarder FWD-DEMO's. Then a page of 50 is timed as the store's query alone,
/// and through the silo's endpoint, whose items are the shipments' own views (grain reads): for shipments not active
/// yet (each page activates its 50) and for active ones. Target: a page of 50 through the endpoint in at most 20 ms
/// (p99), checked on each walk; the query alone is the store's share of it.
/// </summary>
public static class ListingBenchmark
{
    private const string ServiceId = "transitgrains"; // the silo's default, so the silo process finds the rows
    private const string Forwarder = "FWD-DEMO";
    private const int Page = 50;

    public static async Task Run(Report report, string postgres, string siloDll, int shipments)
    {
        var database = await EndToEnd.FreshDatabase(postgres, "listing");
        await new SchemaMigrator().MigrateAsync(database);

        await using var services = new ServiceCollection()
            .AddSerializer(s => s.AddAssembly(typeof(TransitEvent).Assembly).AddAssembly(typeof(IJournal).Assembly))
            .BuildServiceProvider();
        await using var transit = new TransitDatabase(database, ServiceId);
        await using var journal = new GroupCommitJournal(new PostgresJournalStore(transit, new JournalPayloads(services.GetRequiredService<Serializer>())));
        var store = new PostgresShipmentIndex(transit);

        var fill = Stopwatch.StartNew();
        var (forwarderCount, statuses) = await Fill(journal, shipments);
        // As autovacuum would, long before a table holds 100,000 rows.
        await Execute(database, "ANALYZE transit_shipments; ANALYZE transit_container_bookings");
        report.Section($"Machine: {Environment.ProcessorCount} cores, load average {EndToEnd.LoadAverage()}");
        report.Section($"Listing: {shipments} shipments stored ({forwarderCount} of them {Forwarder}'s, the rest of 9 other forwarders), "
            + $"journaled in {fill.Elapsed.TotalSeconds:F1} s");
        report.Add("stored shipments by status", string.Join(", ", statuses.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}")));

        var deep = await PositionAt(database, Forwarder, shipments / 4);
        var queries = new (string Name, ShipmentQuery Query)[]
        {
            ($"query alone, {Forwarder}'s newest {Page}", new ShipmentQuery(Forwarder, null, null, null, Page)),
            ($"query alone, {Forwarder}'s IN_TRANSIT", new ShipmentQuery(Forwarder, ShipmentStatus.IN_TRANSIT, null, null, Page)),
            ($"query alone, {Forwarder}'s page {shipments / 4 / Page} (cursor)", new ShipmentQuery(Forwarder, null, null, deep, Page)),
            ($"query alone, every forwarder's (admin)", new ShipmentQuery(null, null, null, null, Page)),
            ($"query alone, every forwarder's CANCELLED (admin)", new ShipmentQuery(null, ShipmentStatus.CANCELLED, null, null, Page)),
        };
        foreach (var (name, query) in queries)
        {
            var samples = new Samples(name);
            for (var i = 0; i < 220; i++)
            {
                var page = await (i < 20 ? store.PageAsync(query, CancellationToken.None) : samples.Time(() => store.PageAsync(query, CancellationToken.None)));
                if (page.Shipments.Count != Page)
                {
                    throw new InvalidOperationException($"{name}: {page.Shipments.Count} shipments, not {Page}");
                }
            }

            report.Add(name, Figure(samples));
        }

        await using var silo = await ChildProcess.StartAsync(siloDll,
        [
            "--environment=Development", $"--ConnectionStrings:Transit={database}",
            $"--Transit:Cluster:SiloPort={FreePorts.Next()}", $"--Transit:Cluster:GatewayPort={FreePorts.Next()}",
            "--Logging:LogLevel:Default=Warning",
        ], TimeSpan.FromSeconds(120));
        using var http = Client(silo, "dev-forwarder-key");

        // The JIT, the serializer's codecs and the connection pool warm up on another forwarder's shipments (an admin's view).
        using (var admin = Client(silo, "dev-admin-key"))
        {
            await Walk(admin, $"limit={Page}&forwarder=FWD-01", null, pages: 10, new Samples("warm-up"));
        }

        // Each walk covers a stretch of the forwarder's listing no walk before it touched (with 100,000 shipments: 200,
        // 40 and 50 pages), so that the shipments of a walk timed as not active are not active yet.
        var cold = new Samples("cold");
        var cursors = await Walk(http, $"limit={Page}", null, pages: Math.Max(1, forwarderCount / 5 / Page), cold);
        Add(report, $"GET /api/v1/shipments?limit={Page}, shipments not active (each page activates its {Page})", cold);

        var warm = new Samples("warm");
        for (var round = 0; round < 10; round++)
        {
            foreach (var cursor in cursors.Take(20))
            {
                await Get(http, $"limit={Page}", cursor, warm);
            }
        }

        Add(report, $"GET /api/v1/shipments?limit={Page}, the same pages again (shipments active)", warm);

        // Past every page walked before: IN_TRANSIT shipments not active yet.
        var older = await PositionAt(database, Forwarder, forwarderCount * 4 / 5);
        var filtered = new Samples("filtered");
        await Walk(http, $"limit={Page}&status=IN_TRANSIT", ListingRequest.Cursor(older), pages: Math.Max(1, forwarderCount / 25 / Page), filtered);
        Add(report, $"GET /api/v1/shipments?limit={Page}&status=IN_TRANSIT&cursor=, not active", filtered);

        var deepPages = new Samples("deep");
        await Walk(http, $"limit={Page}", ListingRequest.Cursor(deep), pages: Math.Max(1, forwarderCount / 20 / Page), deepPages);
        Add(report, $"GET /api/v1/shipments?limit={Page}&cursor= from page {shipments / 4 / Page} on, not active", deepPages);
    }

    /// <summary>Follows the listing's cursors for <paramref name="pages"/> pages, timing each; answers the cursor each page was asked with.</summary>
    private static async Task<List<string?>> Walk(HttpClient http, string query, string? cursor, int pages, Samples latency)
    {
        var asked = new List<string?>();
        for (var i = 0; i < pages; i++)
        {
            asked.Add(cursor);
            cursor = await Get(http, query, cursor, latency);
            if (cursor is null)
            {
                break;
            }
        }

        return asked;
    }

    private static async Task<string?> Get(HttpClient http, string query, string? cursor, Samples latency)
    {
        var path = $"api/v1/shipments?{query}{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}";
        var (status, text) = await latency.Time(async () =>
        {
            using var response = await http.GetAsync(path);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        });
        var body = JsonNode.Parse(text)!;
        if (status != HttpStatusCode.OK || body["items"]!.AsArray().Count != Page)
        {
            throw new InvalidOperationException($"GET {path}: {(int)status} {text[..Math.Min(text.Length, 500)]}");
        }

        return (string?)body["nextCursor"];
    }

    private static string Figure(Samples samples) =>
        $"p50 {samples.Percentile(50):F1} ms, p90 {samples.Percentile(90):F1} ms, p99 {samples.Percentile(99):F1} ms (n={samples.Count})";

    /// <summary>A walk through the endpoint: its p99 beside the target, which every walk must meet.</summary>
    private static void Add(Report report, string name, Samples samples) =>
        report.Add(name, Targets.Listing, samples.Percentile(99), $"p99 {samples.Percentile(99):F1} ms",
            $"(p50 {samples.Percentile(50):F1} ms, p90 {samples.Percentile(90):F1} ms, n={samples.Count})");

    private static HttpClient Client(ChildProcess silo, string key)
    {
        var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    /// <summary>
    /// Journals the shipments, 512 in flight (the journal commits them in groups): each booking, its events, and the
    /// decision that covers them with the status the domain gives them. Answers how many are <see cref="Forwarder"/>'s,
    /// and how many have each status.
    /// </summary>
    private static async Task<(int Forwarder, Dictionary<ShipmentStatus, int> Statuses)> Fill(IJournal journal, int shipments)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var policies = new TaxRefundOptions().ToPolicyBook();
        var statuses = new Dictionary<ShipmentStatus, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, shipments), new ParallelOptions { MaxDegreeOfParallelism = 512 }, async (i, _) =>
        {
            var (booked, events, cancelledAt) = Shipment(i, now - Duration.FromSeconds(i * 315L));
            await journal.BookAsync(new BookShipment(booked));
            if (events.Count > 0)
            {
                await journal.RecordAsync(new RecordEvents(events));
            }

            var record = new ShipmentRecord(booked.Booking, booked.BookedAt, cancelledAt, events, [], []);
            var status = ShipmentProjection.Evaluate(record, policies, now).Status(cancelledAt);
            var decided = new ShipmentDecided([.. events.Select(e => e.EventId)], null, [], [], 0, status);
            if (cancelledAt is { } at)
            {
                await journal.CancelAsync(new CancelShipment(booked.Booking, new ShipmentCancelled(at), decided, null));
            }
            else
            {
                await journal.DecideAsync(new RecordDecision(booked.Booking.ShipmentId, decided, status, null));
            }

            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
        });
        return ((shipments + 1) / 2, statuses);
    }

    /// <summary>
    /// Shipment <paramref name="i"/>: two containers by barge from Shunde to Nansha, then by vessel to Rotterdam; 60% have
    /// arrived (14 events), 25% are under way (3), 10% are booked (none), 5% were cancelled; the even ones are FWD-DEMO's.
    /// </summary>
    private static (ShipmentBooked Booked, IReadOnlyList<TransitEvent> Events, Instant? CancelledAt) Shipment(int i, Instant bookedAt)
    {
        var id = $"LB-{i:D6}";
        var containers = new[] { Container(2 * i), Container(2 * i + 1) };
        // A conveyance of its own: a transport event reaches every shipment booked on its conveyance.
        var barge = $"BRG-{i:D6}";
        var vessel = $"VSL-{i:D6}";
        var booking = new ShipmentBooking(
            id, i % 2 == 0 ? Forwarder : $"FWD-{i % 9:D2}", TradeMode.GENERAL, containers, null,
            [
                new PlannedLeg(TransportMode.BARGE, barge, Shunde, Nansha, null, null),
                new PlannedLeg(TransportMode.VESSEL, vessel, Nansha, Rotterdam, null, null),
            ]);
        var kind = i % 20;
        var start = bookedAt + Duration.FromHours(6);
        var events = new List<TransitEvent>();
        void Add(EventCode code, Instant at, UnLocode place, TransportMode? mode = null, string? conveyance = null, ContainerNumber? container = null) =>
            events.Add(new TransitEvent($"{id}-{events.Count}", container is null ? EventType.TRANSPORT : EventType.EQUIPMENT, code, EventClassifier.ACT,
                at.WithOffset(Offset.FromHours(place == Rotterdam ? 1 : 8)), place, null, mode, conveyance, container, null, at));

        if (kind < 17)
        {
            foreach (var c in containers)
            {
                Add(EventCode.LOAD, start, Shunde, TransportMode.BARGE, barge, c);
            }

            Add(EventCode.DEPA, start + Duration.FromHours(1), Shunde, TransportMode.BARGE, barge);
        }

        if (kind < 12)
        {
            Add(EventCode.ARRI, start + Duration.FromHours(9), Nansha, TransportMode.BARGE, barge);
            foreach (var c in containers)
            {
                Add(EventCode.DISC, start + Duration.FromHours(10), Nansha, TransportMode.BARGE, barge, c);
                Add(EventCode.LOAD, start + Duration.FromDays(2), Nansha, TransportMode.VESSEL, vessel, c);
            }

            Add(EventCode.DEPA, start + Duration.FromDays(2) + Duration.FromHours(3), Nansha, TransportMode.VESSEL, vessel);
            Add(EventCode.ARRI, start + Duration.FromDays(35), Rotterdam, TransportMode.VESSEL, vessel);
            foreach (var c in containers)
            {
                Add(EventCode.DISC, start + Duration.FromDays(35) + Duration.FromHours(4), Rotterdam, TransportMode.VESSEL, vessel, c);
                Add(EventCode.GTOT, start + Duration.FromDays(36), Rotterdam, container: c);
            }
        }

        var booked = new ShipmentBooked(booking, bookedAt, new EtaChange(bookedAt, null, "booked"));
        return (booked, events, kind == 19 ? bookedAt + Duration.FromHours(1) : null);
    }

    private static readonly UnLocode Shunde = UnLocode.Parse("CNSUD");
    private static readonly UnLocode Nansha = UnLocode.Parse("CNNSA");
    private static readonly UnLocode Rotterdam = UnLocode.Parse("NLRTM");

    private static ContainerNumber Container(int serial)
    {
        var firstTen = $"LBNU{serial:D6}";
        return ContainerNumber.Parse(firstTen + ContainerNumber.CheckDigit(firstTen));
    }

    /// <summary>Where the forwarder's listing stands after <paramref name="offset"/> shipments: the position a cursor would carry.</summary>
    private static async Task<ListingPosition> PositionAt(string database, string forwarder, int offset)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT shipment_id, booked_at FROM transit_shipments WHERE service_id = $1 AND forwarder = $2 "
            + "ORDER BY booked_at DESC, shipment_id DESC OFFSET $3 LIMIT 1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = forwarder });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = offset });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new ListingPosition(Instant.FromDateTimeUtc(reader.GetFieldValue<DateTime>(1)), reader.GetString(0));
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
