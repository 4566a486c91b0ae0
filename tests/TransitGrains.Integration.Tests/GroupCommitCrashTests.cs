using Npgsql;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The silo is SIGKILLed inside journal commits: the test holds a lock on the journal's entry table, so the silo's
/// group transaction (carrying the events, bookings and decisions of several batches, its ids already claimed and its
/// events already inserted) waits inside PostgreSQL, holding the journal's head, while its batches wait for it. After the kill the statements either complete — committed with no
/// silo left to acknowledge them — or are cut off and rolled back. Either way no acknowledged event is lost, none is
/// applied twice, and a group is stored whole or not at all: resending the stream leaves every shipment with exactly
/// its events.
/// </summary>
public sealed class GroupCommitCrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_SIGKILL_while_combined_commits_wait_in_the_database_loses_no_acknowledged_event_and_halves_none(bool commitAfterTheKill)
    {
        var seed = TestServices.Seed();
        output.WriteLine($"seed {seed}, the held statements {(commitAfterTheKill ? "commit after the kill" : "are cut off and rolled back")}");
        var random = new Random(seed);
        var traffic = PortTraffic.Generate(random, commitAfterTheKill ? "GC" : "GR", shipments: 30, barges: 4, vessels: 2, lateBookings: 6);
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = database };

        var first = new TrafficRun(traffic.Steps);
        int siloPort;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            siloPort = silo.SiloPort;
            using var client = silo.Client();

            // A third of the traffic goes through freely; the workers then stop taking new requests.
            using (var enough = new CancellationTokenSource())
            {
                var freely = first.RunAsync([client], workers: 8, enough.Token);
                await Poll.UntilAsync(() => first.Answered >= traffic.Steps.Count / 3 || freely.IsCompleted, TimeSpan.FromMinutes(2), "a third of the traffic answered");
                await enough.CancelAsync();
                await freely;
            }

            // Journal groups now wait behind the lock, inside their transaction; reads go on.
            await using var holder = new NpgsqlConnection(database);
            await holder.OpenAsync();
            await using var holding = await holder.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE transit_journal_entries IN SHARE ROW EXCLUSIVE MODE", holder, holding))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            using var stop = new CancellationTokenSource();
            var driving = first.RunAsync([client], workers: 8, stop.Token);
            var waiting = 0L;
            await Poll.UntilAsync(async () => (waiting = await WaitingWritesAsync(database)) >= 1 && first.InFlight().Count >= 4,
                TimeSpan.FromMinutes(1), "a journal group waiting on the lock while batches wait for it");
            var inFlight = first.InFlight();
            var killing = silo.KillAsync();
            stop.Cancel();
            await killing;
            await driving;
            output.WriteLine($"SIGKILL with {waiting} group statements waiting in PostgreSQL for {inFlight.Count} batches in flight; "
                + $"{first.Answered} requests answered before it");
            Assert.NotEmpty(first.CutOff(inFlight));

            if (!commitAfterTheKill)
            {
                await using var cut = new NpgsqlCommand(
                    $"SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE {GroupStatementWaiting}",
                    holder, holding);
                output.WriteLine($"cancelled {await cut.ExecuteScalarAsync()} waiting statements");
            }

            await holding.RollbackAsync(); // releases the lock: what still waits runs now, for a silo that is gone
        }

        await AfterCrash.VerifyAsync(output, traffic, first, settings, siloPort);
    }

    // A journal group's insert of its stream entries, waiting for a lock.
    private const string GroupStatementWaiting = "wait_event_type = 'Lock' AND query LIKE '%INSERT INTO transit_journal_entries%'";

    /// <summary>The silo's journal groups waiting for the test's lock.</summary>
    private static async Task<long> WaitingWritesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE {GroupStatementWaiting}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
