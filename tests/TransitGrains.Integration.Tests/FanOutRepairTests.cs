using System.Net;
using Npgsql;
using NodaTime;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// A crash after the journal committed a transport event (in the streams of every shipment aboard, in one transaction)
/// and before the shipments recorded their decisions on it is repaired: the event reaches every shipment aboard exactly
/// once, when the shipment is next activated or on the port's retry.
/// </summary>
public sealed class FanOutRepairTests(ITestOutputHelper output)
{
    private const int Aboard = 20;
    private const int Held = 5;

    [Fact]
    public async Task A_departure_cut_off_by_a_crash_reaches_every_shipment_aboard_exactly_once()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = database };
        // Train A is repaired by its shipments' next activation (a GET), train B by the port's retry of the DEPA.
        var trains = new[] { new Train("X8426-REPAIR-A", 100), new Train("X8426-REPAIR-B", 200) };

        int siloPort;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = silo.Client();
            foreach (var train in trains)
            {
                await Task.WhenAll(train.Shipments.Select(s => client.BookAsync(Scenario.RailBooking(s, train.Id, train.ContainerOf(s)))));
            }

            // The crash window, made wide and certain without any test hook in the silo: a transaction of the
            // test locks the listing rows of some shipments, so the decisions the DEPA makes (each shipment moves to
            // IN_TRANSIT) wait, while the DEPA itself is committed to the journal. Then the silo dies.
            await using var locks = new NpgsqlConnection(database);
            await locks.OpenAsync();
            await using var holding = await locks.BeginTransactionAsync();
            var held = trains.SelectMany(t => t.Shipments.Take(Held)).ToArray();
            await using (var lockRows = new NpgsqlCommand(
                "SELECT count(*) FROM (SELECT 1 FROM transit_shipments WHERE shipment_id = ANY(@ids) FOR UPDATE) locked",
                locks, holding))
            {
                lockRows.Parameters.AddWithValue("ids", held);
                Assert.Equal(held.Length, (long)(await lockRows.ExecuteScalarAsync())!);
            }

            var posts = trains.Select(t => client.PostEventsAsync([t.Departure])).ToList();
            await Poll.UntilAsync(async () => await JournaledAsync(database, trains.Select(t => t.Departure.EventId)) == trains.Length,
                TimeSpan.FromSeconds(60), "both DEPAs committed to the journal");
            await Task.Delay(TimeSpan.FromSeconds(1));

            Assert.All(posts, p => Assert.False(p.IsCompleted, "the DEPA must still wait for the held shipments"));
            await silo.KillAsync();
            foreach (var post in posts)
            {
                await Assert.ThrowsAsync<HttpRequestException>(() => post);
            }

            // The dead silo's decisions still wait for our locks, and would commit once we let go. A crashed
            // machine's connections go with it: end them, so those writes never happen.
            await using (var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                locks, holding))
            {
                await terminate.ExecuteScalarAsync();
            }

            await holding.RollbackAsync();
            siloPort = silo.SiloPort;
        }

        await using var restarted = await SiloProcess.StartAsync(settings, siloPort: siloPort);
        using var again = restarted.Client();

        // A: reading its shipments activates them; each folds in its journal stream and decides on what it finds.
        var a = trains[0];
        Assert.Equal(Aboard, await CountWithAsync(again, a.Shipments, a.Departure.EventId));
        Assert.Equal("DEPARTED", (await again.ConveyanceAsync("rail", a.Id))?.GetProperty("status").GetString());

        // B: the port's retry is answered DUPLICATE, and only after every shipment aboard has it.
        var b = trains[1];
        Assert.Equal("DUPLICATE", Assert.Single(await again.PostEventsAsync([b.Departure])).Status);
        Assert.Equal(Aboard, await CountWithAsync(again, b.Shipments, b.Departure.EventId));

        // Exactly once, also after more retries of both.
        foreach (var train in trains)
        {
            Assert.Equal("DUPLICATE", Assert.Single(await again.PostEventsAsync([train.Departure])).Status);
            Assert.Equal(Aboard, await CountWithAsync(again, train.Shipments, train.Departure.EventId));
        }

        output.WriteLine($"both repaired: all {Aboard} shipments of each train have the DEPA exactly once");
    }

    /// <summary>How many of the events are in the journal.</summary>
    private static async Task<long> JournaledAsync(string database, IEnumerable<string> eventIds)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM transit_journal_events WHERE event_id = ANY(@ids)", connection);
        count.Parameters.AddWithValue("ids", eventIds.ToArray());
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>How many of the shipments have the event in their timeline (each at most once, or it fails).</summary>
    private static async Task<int> CountWithAsync(HttpClient client, IEnumerable<string> shipments, string eventId)
    {
        var timelines = await client.TimelinesAsync(shipments);
        Assert.All(timelines.Values, t => Assert.True(t!.Count(id => id == eventId) <= 1, $"{eventId} applied twice"));
        return timelines.Values.Count(t => t!.Contains(eventId));
    }

    /// <summary>A train with <see cref="Aboard"/> one-container shipments booked on it, and its departure from Dalang.</summary>
    private sealed record Train(string Id, int FirstContainer)
    {
        public IReadOnlyList<string> Shipments { get; } = Enumerable.Range(1, Aboard).Select(i => $"{Id}-{i:D2}").ToList();

        public PortEvent Departure => Scenario.Transport(
            $"DLG-{Id}-DEPA", "DEPA", new LocalDateTime(2026, 11, 20, 10, 0).WithOffset(Scenario.China), "CNDLG", "RAIL", Id);

        public string ContainerOf(string shipmentId) => Scenario.Container(FirstContainer + Shipments.ToList().IndexOf(shipmentId));
    }
}
