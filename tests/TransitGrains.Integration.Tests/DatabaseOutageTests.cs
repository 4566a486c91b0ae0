using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using TransitGrains.Domain.Journal;
using TransitGrains.Persistence;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// api.md, "Faults": PostgreSQL stops at once (<c>pg_ctl -m immediate</c>) under a steady ingest from several clients and
/// comes back on the same port, the silo left running. Requests are answered 503 while it is away and 200 again within
/// 30 s of its return, and nothing acknowledged is lost or stored twice. The database is the test's own, so the shared
/// one stays up for every other test.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    /// <summary>api.md: within this long of the database's return, every request is served again.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>A shipment that gets no events: only the wake-up sweeper writes it after the outage.</summary>
    private const string Quiet = "DB-QUIET";

    /// <summary>Its stream in the journal, which names its wake-up row.</summary>
    private static readonly string QuietStream = JournalStreams.Shipment(Quiet);

    [Theory]
    [InlineData(30)]
    [InlineData(10)]
    [InlineData(15)]
    public async Task Requests_are_answered_503_while_the_database_is_away_and_200_within_30_s_of_its_return_with_no_acknowledged_event_lost_or_doubled(
        int outageSeconds)
    {
        var seed = TestServices.Seed();
        output.WriteLine($"seed {seed}, database stopped for {outageSeconds} s");
        var traffic = PortTraffic.Generate(new Random(seed), "DB", shipments: 40, barges: 4, vessels: 2, lateBookings: 6);

        await using var postgres = await ScriptedPostgres.StartAsync();
        await new SchemaMigrator().MigrateAsync(postgres.ConnectionString);
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = postgres.ConnectionString };
        var clock = Stopwatch.StartNew();
        var run = new PatientTraffic(traffic.Steps, clock);
        int siloPort;
        TimeSpan down, up;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            siloPort = silo.SiloPort;
            using var client = silo.Client();
            await client.BookAsync(Scenario.Booking(Quiet, "FWD-DEMO", [Scenario.Container(9_000)], "DB-QUIET-BARGE", "DB-QUIET-VESSEL"));

            var ports = Enumerable.Range(0, 6).Select(_ => silo.Client()).ToList();
            using var forwarder = silo.Client();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var driving = run.RunAsync(ports, pause: TimeSpan.FromMilliseconds(250), stop.Token);
            var reads = new ConcurrentQueue<(TimeSpan At, HttpStatusCode? Status)>();
            var reading = ReadWhileAsync(forwarder, run, driving, new Random(seed), () => clock.Elapsed, reads);
            await Poll.UntilAsync(() => run.Answered >= traffic.Steps.Count / 3 || driving.IsCompleted, Limit, "a third of the traffic answered");
            Assert.False(driving.IsCompleted, "the traffic ended before the outage");

            // Due while the database is away: only the sweeper, once it can read the store again, wakes it.
            var quietDue = await DueSoonAsync(postgres.ConnectionString, TimeSpan.FromSeconds(5));
            await postgres.KillAsync();
            down = clock.Elapsed;
            NpgsqlConnection.ClearAllPools(); // this test's own connections died with the server
            await silo.WaitReadinessAsync(ready: false, TimeSpan.FromSeconds(30));
            var notReadyAfter = clock.Elapsed - down;
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, (down + TimeSpan.FromSeconds(outageSeconds) - clock.Elapsed).TotalSeconds)));

            await postgres.RestartAsync();
            up = clock.Elapsed;
            await silo.WaitReadinessAsync(ready: true, Recovery);
            var readyAfter = clock.Elapsed - up;
            await WokenAsync(postgres.ConnectionString, quietDue, Recovery);
            var wokenAfter = clock.Elapsed - up;
            await driving.WaitAsync(Limit);
            await reading;
            ports.ForEach(p => p.Dispose());

            var attempts = run.Attempts;
            Report(attempts, down, up, notReadyAfter, readyAfter, wokenAfter);
            ExpectOnly200Or503(attempts);
            ExpectServedAgainAfterTheReturn(attempts, up);
            Assert.Contains(attempts, a => a.Status == HttpStatusCode.ServiceUnavailable && a.SentAt > down && a.SentAt < up);
            Assert.DoesNotContain(run.Answers, a => a.Status == "REJECTED");
            // Reads are answered from what is stored (a shipment the silo holds), or 503 when they need the store.
            Assert.All(reads, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"a read answered {r.Status}"));
            Assert.Contains(reads, r => r.Status == HttpStatusCode.OK && r.At > down && r.At < up);
            output.WriteLine($"reads: {reads.Count}, during the outage {reads.Count(r => r.At > down && r.At < up)}: "
                + string.Join(", ", reads.Where(r => r.At > down && r.At < up).GroupBy(r => r.Status).Select(g => $"{g.Count()} x {(int?)g.Key}")));

            // The outbox delivers again: every refund trigger is delivered (to the log, in this profile).
            foreach (var shipment in traffic.Shipments)
            {
                await client.RefundOfAsync(shipment.ShipmentId, r => r.AllDelivered(), Limit);
            }

            var resend = await TrafficRun.ResendAsync(traffic, client, run.Acknowledged);
            output.WriteLine($"resent {resend.EventsSent} events: {resend.Answers.Count(a => a.Status == "DUPLICATE")} DUPLICATE, "
                + $"{resend.Answers.Count(a => a.Status == "ACCEPTED")} ACCEPTED");
            Assert.False(silo.HasExited, $"the silo exited during the outage:\n{silo.Output}");
            await silo.StopAsync();
        }

        await using var restarted = await SiloProcess.StartAsync(settings, siloPort: siloPort);
        using var again = restarted.Client();
        await traffic.ExpectEachEventStoredOnceAsync(again);
        Assert.Equal(traffic.Events.Keys.Order(), run.Acknowledged.Order());
        output.WriteLine($"after the restart: all {run.Acknowledged.Count} acknowledged events stored once at each of their shipments");
    }

    /// <summary>Every request, also those sent while the database was away, was answered 200/201, or 503 with Retry-After and a problem that says why.</summary>
    private static void ExpectOnly200Or503(IReadOnlyList<Attempt> attempts)
    {
        var other = attempts.Where(a => !a.Succeeded && a.Status != HttpStatusCode.ServiceUnavailable).ToList();
        Assert.True(other.Count == 0, $"answered neither 200 nor 503:\n{string.Join("\n", other)}");
        foreach (var unavailable in attempts.Where(a => a.Status == HttpStatusCode.ServiceUnavailable))
        {
            Assert.True(unavailable.RetryAfter >= TimeSpan.FromSeconds(1), $"503 without Retry-After: {unavailable}");
            var problem = JsonNode.Parse(unavailable.Body)!;
            Assert.Equal(503, (int?)problem["status"]);
            Assert.Contains("unavailable", (string?)problem["title"], StringComparison.OrdinalIgnoreCase);
            Assert.Contains("unavailable", (string?)problem["detail"], StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Within 30 s of the return every request is answered 200; and once one request sent after the return has been
    /// answered, no later one fails (no connection that broke in the outage is handed out again).
    /// </summary>
    private static void ExpectServedAgainAfterTheReturn(IReadOnlyList<Attempt> attempts, TimeSpan up)
    {
        var late = attempts.Where(a => !a.Succeeded && a.AnsweredAt > up + Recovery).ToList();
        Assert.True(late.Count == 0, $"failed more than {Recovery.TotalSeconds} s after the database came back:\n{string.Join("\n", late)}");
        var firstServed = attempts.Where(a => a.Succeeded && a.SentAt > up).Min(a => a.AnsweredAt);
        var after = attempts.Where(a => !a.Succeeded && a.SentAt > firstServed).ToList();
        Assert.True(after.Count == 0, $"failed after a request had been served again at {firstServed.TotalSeconds:F1} s:\n{string.Join("\n", after)}");
    }

    private void Report(IReadOnlyList<Attempt> attempts, TimeSpan down, TimeSpan up, TimeSpan notReadyAfter, TimeSpan readyAfter, TimeSpan wokenAfter)
    {
        var outage = attempts.Where(a => a.AnsweredAt > down && a.SentAt < up).ToList();
        var failedAfterUp = attempts.Where(a => !a.Succeeded && a.SentAt > up).ToList();
        var servedAgain = attempts.Where(a => a.Succeeded && a.SentAt > up).Select(a => a.AnsweredAt - up).DefaultIfEmpty().Min();
        output.WriteLine($"database down at {down.TotalSeconds:F1} s for {(up - down).TotalSeconds:F1} s; readiness not 200 after {notReadyAfter.TotalSeconds:F1} s, "
            + $"200 again {readyAfter.TotalSeconds:F1} s after the return; the quiet shipment woken {wokenAfter.TotalSeconds:F1} s after it");
        output.WriteLine($"{attempts.Count} requests for {attempts.Select(a => a.Step).Distinct().Count()} steps; during the outage: "
            + string.Join(", ", outage.GroupBy(a => (int?)a.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {g.Key?.ToString() ?? "no answer"}")));
        output.WriteLine($"sent after the return: {attempts.Count(a => a.SentAt > up)}, of them failed {failedAfterUp.Count}; "
            + $"first served {servedAgain.TotalSeconds:F1} s after the return");
    }

    /// <summary>
    /// A forwarder reading while the ports report: a booked shipment, then a page of the listing, again and again until
    /// the traffic is done.
    /// </summary>
    private static async Task ReadWhileAsync(
        HttpClient client, PatientTraffic run, Task driving, Random random, Func<TimeSpan> now, ConcurrentQueue<(TimeSpan At, HttpStatusCode? Status)> reads)
    {
        for (var i = 0; !driving.IsCompleted; i++)
        {
            var booked = run.Booked;
            var path = i % 2 == 0 && booked.Count > 0 ? $"/api/v1/shipments/{booked[random.Next(booked.Count)]}?timeline=false" : "/api/v1/shipments?limit=5";
            var at = now();
            try
            {
                using var response = await client.GetAsync(path);
                reads.Enqueue((at, response.StatusCode));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                reads.Enqueue((at, null));
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Makes the quiet shipment due a moment from now (as a refund deadline would); answers the moment.</summary>
    private static Task<DateTime> DueSoonAsync(string database, TimeSpan after) => OnQuietRowAsync<DateTime>(
        database,
        """
        INSERT INTO transit_wake_ups (service_id, stream, wake_up_at, held_by) VALUES ('transitgrains', $2, now() + $1, NULL)
        ON CONFLICT (service_id, stream) DO UPDATE SET wake_up_at = EXCLUDED.wake_up_at, held_by = NULL
        RETURNING wake_up_at
        """,
        new NpgsqlParameter<TimeSpan> { TypedValue = after });

    /// <summary>Waits until the sweeper has woken the quiet shipment: it rewrote its wake-up row (here, it needs none).</summary>
    private static Task WokenAsync(string database, DateTime due, TimeSpan limit) => Poll.UntilAsync(
        () => OnQuietRowAsync<bool>(
            database,
            "SELECT NOT EXISTS (SELECT FROM transit_wake_ups WHERE stream = $2 AND wake_up_at = $1)",
            new NpgsqlParameter<DateTime> { TypedValue = due }),
        limit,
        $"{Quiet} woken by the sweeper after the database came back",
        intervalMs: 500);

    /// <summary>Runs a statement on the quiet shipment's wake-up row (its stream is $2) and answers the one value it returns.</summary>
    private static async Task<T> OnQuietRowAsync<T>(string database, string sql, NpgsqlParameter first)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(first);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = QuietStream });
        return (T)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"{Quiet} has no answer"));
    }
}
