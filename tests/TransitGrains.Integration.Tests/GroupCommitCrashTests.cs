using Npgsql;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The silo is SIGKILLed while its writes wait inside PostgreSQL behind a lock the test holds:
/// <list type="bullet">
/// <item>on the journal's entry table: a group transaction (the events, bookings and decisions of several batches, its
/// events already inserted, the journal's head held) waits while its batches wait for it;</item>
/// <item>on the snapshot table (Orleans' ADO.NET grain storage), with a snapshot due every few entries: snapshot writes
/// wait, so snapshots lag behind the journal while the traffic goes on.</item>
/// </list>
/// After the kill the held statements either complete, with no silo left, or are cut off and rolled back. Either way no
/// acknowledged event is lost, none is applied twice, and a group is stored whole or not at all: resending the stream
/// leaves every shipment with exactly its events.
/// </summary>
public sealed class GroupCommitCrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Held.JournalCommits, true)]
    [InlineData(Held.JournalCommits, false)]
    [InlineData(Held.SnapshotWrites, true)]
    [InlineData(Held.SnapshotWrites, false)]
    public async Task A_SIGKILL_while_writes_wait_in_the_database_loses_no_acknowledged_event_and_halves_none(Held held, bool commitAfterTheKill)
    {
        var seed = TestServices.Seed();
        output.WriteLine($"seed {seed}, {held} held; they {(commitAfterTheKill ? "commit after the kill" : "are cut off and rolled back")}");
        var random = new Random(seed);
        var prefix = (held == Held.JournalCommits ? "G" : "S") + (commitAfterTheKill ? "C" : "R");
        var traffic = PortTraffic.Generate(random, prefix, shipments: 30, barges: 4, vessels: 2, lateBookings: 6);
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = database,
            ["Transit:Journal:ShipmentSnapshotEvery"] = "3",
            ["Transit:Journal:ConveyanceSnapshotEvery"] = "3",
        };
        var (table, waitingStatement) = Lock(held);

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

            // Writes to the table now wait behind the lock, inside their transaction; reads go on.
            await using var holder = new NpgsqlConnection(database);
            await holder.OpenAsync();
            await using var holding = await holder.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", holder, holding))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            using var stop = new CancellationTokenSource();
            var driving = first.RunAsync([client], workers: 8, stop.Token);
            var waiting = 0L;
            // Held commits hold up their batches; held snapshots hold up nothing, so batches keep coming.
            var (writes, batches) = held == Held.JournalCommits ? (1, 4) : (2, 1);
            await Poll.UntilAsync(async () => (waiting = await WaitingWritesAsync(database, waitingStatement)) >= writes && first.InFlight().Count >= batches,
                TimeSpan.FromMinutes(1), $"{held} waiting on the lock while batches are in flight");
            if (held == Held.SnapshotWrites)
            {
                // Snapshots were written before the lock, so the restart begins from snapshots behind the journal.
                await using var snapshots = new NpgsqlCommand("SELECT count(*) FROM OrleansStorage", holder, holding);
                Assert.True((long)(await snapshots.ExecuteScalarAsync())! > 0, "no snapshot was written before the lock");
            }

            var inFlight = first.InFlight();
            var killing = silo.KillAsync();
            stop.Cancel();
            await killing;
            await driving;
            output.WriteLine($"SIGKILL with {waiting} statements waiting in PostgreSQL and {inFlight.Count} batches in flight ({first.CutOff(inFlight).Count} cut off); "
                + $"{first.Answered} requests answered before it");
            if (held == Held.JournalCommits)
            {
                // Held commits hold their batches' answers back, so the kill cuts them off. Held snapshots hold up no
                // batch: whether one is cut off is chance, and what that case proves is the restart from snapshots
                // behind the journal.
                Assert.NotEmpty(first.CutOff(inFlight));
            }

            if (!commitAfterTheKill)
            {
                await using var cut = new NpgsqlCommand(
                    $"SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE {waitingStatement}",
                    holder, holding);
                output.WriteLine($"cancelled {await cut.ExecuteScalarAsync()} waiting statements");
            }

            await holding.RollbackAsync(); // releases the lock: what still waits runs now, for a silo that is gone
        }

        await AfterCrash.VerifyAsync(output, traffic, first, settings, siloPort);
    }

    public enum Held
    {
        JournalCommits,
        SnapshotWrites,
    }

    /// <summary>The table to lock, and how the statements waiting for it show in <c>pg_stat_activity</c>.</summary>
    private static (string Table, string Waiting) Lock(Held held) => held switch
    {
        // A journal group's insert of its stream entries.
        Held.JournalCommits => ("transit_journal_entries", "wait_event_type = 'Lock' AND query LIKE '%INSERT INTO transit_journal_entries%'"),
        // The grain storage's WriteToStorageKey query.
        _ => ("OrleansStorage", "wait_event_type = 'Lock' AND query LIKE '%UPDATE OrleansStorage%'"),
    };

    private static async Task<long> WaitingWritesAsync(string database, string waitingStatement)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE {waitingStatement}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
