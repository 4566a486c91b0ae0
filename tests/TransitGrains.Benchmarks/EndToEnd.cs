using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using NodaTime;
using Npgsql;
using TransitGrains.PortSimulator;

namespace TransitGrains.Benchmarks;

public sealed record Settings(
    string SiloDll, string PlainDll, string Postgres, string Queue, string PgBin,
    double Scale = 0.5, int Days = 6, int IngestSeconds = 90, int Concurrency = 8, int BatchSize = 200,
    double SteadyRate = Targets.SteadyRate, int SteadySeconds = 25, int SteadyBatchSize = 100, int Silos = 2,
    int Trains = 40, int Barges = 40, int MemoryShipments = 1000, int ListingShipments = 100_000, int PgbenchSeconds = 10, int PgbenchClients = 12,
    int EquipmentShipments = 6000);

/// <summary>What one ingest run acknowledged.</summary>
public sealed record IngestResult(int Batches, int Events, int Accepted, int Duplicate, int Rejected, TimeSpan Elapsed, bool Truncated, double MachineCpu)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
}

/// <summary>A flat-out ingest with its per-event costs and its commits per accepted event.</summary>
public sealed record FlatOutResult(IngestResult Ingest, Costs Costs, double CommitsPerAccepted);

/// <summary>
/// The end-to-end benchmark: TransitGrains' durable profile (one silo flat out and at a steady rate, then a cluster of
/// several silos flat out), the plain PostgreSQL reference, pgbench and the shipment listing, in one run. Each phase
/// that fails is reported and the run goes on with the next one.
/// </summary>
public static class EndToEnd
{
    internal const string AdminKey = "dev-admin-key";
    private const string Forwarder = "FWD-DEMO";
    private const int Readers = 2;
    private const string TaxQueueName = "tax-refund-triggers";

    /// <summary>Batches sent but not yet answered at the steady rate; beyond that the sender waits and the rate is not held.</summary>
    private const int SteadyInFlight = 64;

    public static async Task<int> Run(Settings s)
    {
        var report = new Report(s.ListingShipments > 0 ? Targets.All : [.. Targets.All.Where(t => t != Targets.Listing)]);
        var now = SystemClock.Instance.GetCurrentInstant();
        var days = new RealisticDays(now, s.Scale);
        var flat = days.Days(s.Days);
        // The simulator's realistic delivery: 2% sent twice, 5% late by up to three batches.
        var batches = Delivery.Batches(flat.Events, new DeliveryOptions(s.BatchSize, 0, s.Concurrency, Duplicates: 0.02, OutOfOrder: 0.05, Seed: 1));
        var steadyEvents = (int)(s.SteadyRate * s.SteadySeconds);
        var steady = days.DaysWithEvents(steadyEvents);
        var steadyBatches = FirstEvents(Delivery.Batches(steady.Events, new DeliveryOptions(s.SteadyBatchSize, 0, 1, Duplicates: 0.02, OutOfOrder: 0.05, Seed: 2)), steadyEvents);
        report.Section($"Load, flat out: {flat.Name}: {flat.Bookings.Count} shipments, {flat.ContainerCount} containers, {flat.Events.Count} events "
            + $"in {batches.Count} batches of {s.BatchSize} (2% duplicates, 5% out of order), {s.Concurrency} batches in flight, at most {s.IngestSeconds} s");
        report.Section($"Load, steady: {steady.Name}: {steady.Bookings.Count} shipments booked; their first {steadyBatches.Sum(b => b.Count)} events (same delivery) "
            + $"in batches of {s.SteadyBatchSize} at {s.SteadyRate / s.SteadyBatchSize:F0} batches/s ({s.SteadyRate:F0} events/s, {s.SteadySeconds} s)");
        report.Section($"Machine: {Environment.ProcessorCount} cores, load average at start {LoadAverage()} (above the core count, other work shares the box and every figure drops)");

        var transit = new NpgsqlConnectionStringBuilder(s.Postgres) { Database = "transit" }.ConnectionString;
        FlatOutResult? grains = null;
        FlatOutResult? equipment = null;
        ChildProcess? silo = null;
        report.Section("TransitGrains, durable profile: 1 silo (silo process, PostgreSQL grain storage, Azurite queue)");
        await Phase(report, "migration and silo start-up", [], async () =>
        {
            await Migrate(s, transit);
            silo = await StartSilo(s, transit);
        });
        if (silo is not null)
        {
            await using (silo)
            {
                report.Add("silo start-up (process start -> /health/ready 200)", Targets.Startup, silo.StartupTime.TotalSeconds, $"{silo.StartupTime.TotalSeconds:F2} s");
                using var api = new TransitApi(silo.BaseAddress, AdminKey, connections: s.Concurrency * 2);
                TransitApi[] apis = [api];
                await Phase(report, "bookings", [silo], () => Bookings(report, apis, [.. flat.Bookings, .. steady.Bookings], s.Concurrency, Targets.Bookings));

                // Before the ingests fill the queue: the emulator scans every message on each receive, and after many
                // are deleted its clean-up (every minute) stalls it for seconds to minutes; neither is the silo's doing.
                var workloads = new Workloads(days.Used, now, "B" + (now.ToUnixTimeSeconds() % 100000));
                await Phase(report, "refund triggers", [silo], async () =>
                {
                    var trigger = await RefundTriggers(api, workloads, s);
                    report.Add("refund trigger: barge DEPA ack -> message on the queue", Targets.Trigger, trigger.Percentile(99), $"p99 {trigger.Percentile(99):F1} ms", $"(p50 {trigger.Percentile(50):F1} ms, n={trigger.Count})");
                });
                await Phase(report, "flat-out ingest", [silo], async () => grains = await FlatOut(report, [silo], apis, flat, batches, s, transit, Targets.Ingest));
                await Phase(report, "steady ingest", [silo], () => Steady(report, silo, api, steady, steadyBatches, s));
                await Phase(report, "EDIFACT ingest", [silo], () => EdifactIngest.Run(report, api, days, s));

                await Phase(report, "fan-out", [silo], async () =>
                {
                    var fanOut = new Samples("train DEPA");
                    for (var t = 0; t < s.Trains; t++)
                    {
                        await Timed(api, workloads.Train(t), s.Concurrency, fanOut);
                    }

                    report.Add("fan-out: 50-container train DEPA, POST -> all shipments durable", Targets.FanOut, fanOut.Percentile(99), $"p99 {fanOut.Percentile(99):F1} ms", $"(p50 {fanOut.Percentile(50):F1} ms, n={fanOut.Count})");
                });
                await Phase(report, "webhook fan-out", [silo], async () =>
                {
                    var (withSubscriptions, delivery) = await TrainsWithSubscriptions(api, silo.BaseAddress, workloads, s);
                    report.Add($"fan-out with {WebhookFanOut.Subscriptions} matching webhook subscriptions, the same DEPA", Targets.WebhookFanOut,
                        withSubscriptions.Percentile(99), $"p99 {withSubscriptions.Percentile(99):F1} ms", $"(p50 {withSubscriptions.Percentile(50):F1} ms, n={withSubscriptions.Count})");
                    report.Add("webhook delivery: DEPA ack -> receiver, each shipment and subscription", delivery.ToString());
                });
                await Phase(report, "memory (process view)", [silo], async () =>
                {
                    var (perShipment, rssBefore, rssAfter) = await Memory(api, silo, workloads, s);
                    report.Add($"process view: VmRSS delta per active shipment (20 events, / {s.MemoryShipments})",
                        $"{perShipment / 1024.0:F1} KiB (RSS {rssBefore / 1048576.0:F0} -> {rssAfter / 1048576.0:F0} MiB; includes its 3 container grains, still active; "
                        + "moves with GC compaction and heap headroom, see the managed heap figure below)");
                });

                report.Section($"TransitGrains, durable profile, 1 silo: the plain equipment load ({s.EquipmentShipments} new shipments of 3 containers, "
                    + $"6 moves each, no transport or customs events), batches of {WritePath.EquipmentBatchSize}, {s.Concurrency} in flight, flat out");
                await Phase(report, "equipment ingest", [silo], async () => equipment = await WritePath.EquipmentIngest(report, silo, api, workloads, s, transit));
            }
        }

        report.Section("TransitGrains, activation from a long journal tail (a database of its own; shipments journaled without snapshots by a silo then SIGKILLed)");
        await Phase(report, "activation from the journal", [], () => WritePath.ActivationFromTail(report, s, new Workloads(days.Used, now, "A" + (now.ToUnixTimeSeconds() % 100000))));

        // After the durable silo has stopped, so the two silos never compete for the cores.
        report.Section("TransitGrains, managed heap of active shipments (a silo inside the benchmark process, the same load as the RSS figure)");
        await Phase(report, "memory (managed heap)", [], () => ActivationMemory.Run(report, s.MemoryShipments, s.BatchSize, s.Concurrency));

        FlatOutResult? cluster = null;
        if (s.Silos > 1)
        {
            report.Section($"TransitGrains, scale-out: {s.Silos} silos in one cluster on this machine, the same PostgreSQL (a fresh database; the flat-out load's bookings "
                + "and batches spread over the silos' HTTP endpoints)");
            await Phase(report, "scale-out", [], async () => cluster = await ScaleOut(report, s, flat, batches));
        }

        report.Section("Reference: plain ASP.NET Core + Npgsql ingest, one transaction per event, same PostgreSQL, same batches");
        IngestResult? plain = null;
        await Phase(report, "plain reference", [], async () =>
        {
            var plainDb = await FreshDatabase(s.Postgres, "plain");
            await using var reference = await ChildProcess.StartAsync(s.PlainDll, [$"--ConnectionStrings:Plain={plainDb}"], TimeSpan.FromSeconds(60));
            using var api = new TransitApi(reference.BaseAddress, AdminKey, connections: s.Concurrency * 2);
            await Book([api], flat.Bookings, s.Concurrency, new Samples("plain booking"));
            var plainLatency = new Samples("plain batch ack");
            plain = await Ingest([api], batches, s.Concurrency, TimeSpan.FromSeconds(s.IngestSeconds), plainLatency);
            report.Add("plain ingest, events acknowledged", Describe(plain));
            report.Add("plain batch ack latency", plainLatency.ToString());
            RequireNoneRejected(report, "plain ingest", plain);
        });

        report.Section($"Reference: pgbench, one-row UPDATE per transaction, {s.PgbenchClients} clients, {s.PgbenchSeconds} s");
        double? pgbench = null;
        await Phase(report, "pgbench", [], async () =>
        {
            pgbench = await Pgbench(s);
            report.Add("pgbench single-row update rate", $"{pgbench:F0} tps");
        });

        if (s.ListingShipments > 0)
        {
            // Its own database on the same PostgreSQL and its own silo process, after every other silo has stopped.
            report.Section($"TransitGrains, shipment listing (api.md 1.1): {s.ListingShipments} shipments stored in a database of their own, a page of 50");
            await Phase(report, "shipment listing", [], () => ListingBenchmark.Run(report, s.Postgres, s.SiloDll, s.ListingShipments));
        }

        report.Section($"Ratios (load average at the end {LoadAverage()})");
        if (grains is not null && plain is not null)
        {
            var ratio = grains.Ingest.EventsPerSecond / plain.EventsPerSecond;
            report.Add("TransitGrains / plain ingest (events/s)", Targets.VersusPlain, ratio, $"{ratio:F2}x");
        }

        if (grains is not null)
        {
            report.Add("realistic mix, 1 silo: WAL per acknowledged event", Targets.Wal, grains.Costs.WalBytes, $"{grains.Costs.WalBytes:F0} B");
            report.Add("realistic mix, 1 silo: silo CPU per acknowledged event", Targets.SiloCpu, grains.Costs.SiloCpu * 1e6, $"{grains.Costs.SiloCpu * 1e6:F0} µs");
        }

        if (equipment is not null && pgbench is { } tpsOfPgbench)
        {
            var share = equipment.Ingest.EventsPerSecond / tpsOfPgbench;
            report.Add("TransitGrains, plain equipment load / pgbench single-row rate", Targets.VersusPgbench, share, $"{share:F2}x",
                $"({equipment.Ingest.EventsPerSecond:F0} events/s against {tpsOfPgbench:F0} tps)");
        }

        if (grains is not null && pgbench is { } tpsForRealistic)
        {
            report.Add("TransitGrains, realistic mix / pgbench single-row rate", $"{grains.Ingest.EventsPerSecond / tpsForRealistic:F2}x");
        }

        if (plain is not null && pgbench is { } tps)
        {
            report.Add("plain ingest / pgbench single-row rate", $"{100 * plain.EventsPerSecond / tps:F0}%");
        }

        if (grains is not null && cluster is not null)
        {
            var scaleOut = cluster.Ingest.EventsPerSecond / grains.Ingest.EventsPerSecond;
            report.Add($"{s.Silos} silos / 1 silo (events/s, the same cores)", Targets.ScaleOut, scaleOut, $"{scaleOut:F2}x",
                $"({cluster.Ingest.EventsPerSecond:F0} against {grains.Ingest.EventsPerSecond:F0} events/s)");
            report.Add($"per acknowledged event, 1 silo | {s.Silos} silos",
                $"silo CPU {grains.Costs.SiloCpu * 1e6:F0} | {cluster.Costs.SiloCpu * 1e6:F0} µs; PostgreSQL CPU {grains.Costs.PostgresCpu * 1e6:F0} | {cluster.Costs.PostgresCpu * 1e6:F0} µs; "
                + $"WAL {grains.Costs.WalBytes:F0} | {cluster.Costs.WalBytes:F0} B; commits per accepted event {grains.CommitsPerAccepted:F2} | {cluster.CommitsPerAccepted:F2}");
        }

        report.Print();
        return report.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs one phase. If it throws, or a process it needs has ended, the failure is reported (with the end of that
    /// process's output) and its figures are missing; the run goes on.
    /// </summary>
    private static async Task Phase(Report report, string name, IReadOnlyList<ChildProcess> needs, Func<Task> body)
    {
        if (needs.FirstOrDefault(c => c.Ended is not null) is { } gone)
        {
            report.Fail(name, $"not run: {gone.Ended}");
            return;
        }

        try
        {
            await body();
        }
#pragma warning disable CA1031 // any failure of a phase is reported, and the next phase still runs
        catch (Exception error)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"{name}: {error}");
            report.Fail(name, $"{error.GetType().Name}: {error.Message}{EndedOutput(needs)}");
        }
    }

    private static string EndedOutput(IEnumerable<ChildProcess> processes) =>
        string.Concat(processes.Where(c => c.Ended is not null).Select(c => $"\n{c.Ended}; the end of its output:\n{c.Tail()}"));

    internal static Task Migrate(Settings s, string connection) =>
        RunTool("dotnet", [Path.GetFullPath(s.SiloDll), "migrate", $"--ConnectionStrings:Transit={connection}"], Path.GetDirectoryName(Path.GetFullPath(s.SiloDll))!);

    /// <summary>A silo of the durable profile, with its own HTTP, silo and gateway ports; silos on the same database form one cluster.</summary>
    internal static Task<ChildProcess> StartSilo(Settings s, string connection, string queueName = TaxQueueName, params string[] settings) => ChildProcess.StartAsync(s.SiloDll,
    [
        "--environment=Development", $"--ConnectionStrings:Transit={connection}", $"--ConnectionStrings:TaxQueue={s.Queue}", $"--Transit:TaxRefund:QueueName={queueName}",
        $"--Transit:Cluster:SiloPort={FreePorts.Next()}", $"--Transit:Cluster:GatewayPort={FreePorts.Next()}",
        "--Logging:LogLevel:Default=Warning", .. settings,
    ], TimeSpan.FromSeconds(120));

    /// <summary>Books every shipment, <paramref name="concurrency"/> clients at a time, and reports the rate and each booking's latency.</summary>
    private static async Task<Samples> Bookings(Report report, IReadOnlyList<TransitApi> apis, IReadOnlyList<Booking> bookings, int concurrency, Target? target)
    {
        var latency = new Samples("booking");
        var clock = Stopwatch.StartNew();
        var refused = await Book(apis, bookings, concurrency, latency);
        var rate = bookings.Count / clock.Elapsed.TotalSeconds;
        var name = $"bookings, {concurrency} clients";
        var details = $"({bookings.Count} in {clock.Elapsed.TotalSeconds:F1} s; latency p50 {latency.Percentile(50):F1} ms, p99 {latency.Percentile(99):F1} ms; {refused} refused)";
        if (target is null)
        {
            report.Add(name, $"{rate:F0}/s {details}");
        }
        else
        {
            report.Add(name, target, rate, $"{rate:F0}/s", details);
        }

        if (refused > 0)
        {
            report.Fail("bookings", $"{refused} bookings refused (the first ones on stderr)");
        }

        return latency;
    }

    /// <summary>
    /// The flat-out ingest with <see cref="Readers"/> readers GETting shipments of the load meanwhile, and what it cost:
    /// CPU of the silos and of PostgreSQL, WAL, storage writes and commits per event.
    /// </summary>
    internal static async Task<FlatOutResult> FlatOut(
        Report report, IReadOnlyList<ChildProcess> silos, IReadOnlyList<TransitApi> apis, Load load, IReadOnlyList<IReadOnlyList<PortEvent>> batches,
        Settings s, string database, Target? target)
    {
        var before = await StorageProfile.Read(database);
        var meter = await CostMeter.Start(silos, await PostgresServer.Find(database));
        var ingestLatency = new Samples("batch ack");
        IngestResult result;
        ShipmentReaders readers;
        await using (readers = new ShipmentReaders([.. silos.Select(silo => silo.BaseAddress)], load.Bookings, Readers))
        {
            result = await Ingest(apis, batches, s.Concurrency, TimeSpan.FromSeconds(s.IngestSeconds), ingestLatency);
        }

        var costs = await meter.Stop(result.Events);
        await Task.Delay(1500); // the statistics collector flushes about every second
        var after = await StorageProfile.Read(database);

        if (target is null)
        {
            report.Add("durable ingest, events acknowledged", Describe(result));
        }
        else
        {
            report.Add("durable ingest, events acknowledged", target, result.EventsPerSecond, $"{result.EventsPerSecond:F0} events/s", Describe(result, withRate: false));
        }

        report.Add("batch ack latency", ingestLatency.ToString());
        report.Add($"GET shipment (with timeline) while ingesting, {Readers} readers", readers.Latency.ToString());
        foreach (var (name, value) in costs.Describe(silos.Count).Concat(StorageProfile.Describe(before, after, result.Accepted)))
        {
            report.Add(name, value);
        }

        report.Add("grain calls per batch (average, from the batches)", GrainCalls([.. batches.Take(result.Batches)], load.Bookings));
        RequireNoneRejected(report, "flat-out ingest", result);
        readers.RequireNoFailures(report, "GET while ingesting flat out");
        return new FlatOutResult(result, costs, (after.Commits - before.Commits) / (double)Math.Max(1, result.Accepted));
    }

    /// <summary>
    /// Port systems at a steady rate: batches dispatched on a fixed schedule (not waiting for the previous answers), of
    /// fresh shipments, while readers GET those shipments. The GET latency is the figure; the rate must be held.
    /// </summary>
    private static async Task<IngestResult> Steady(Report report, ChildProcess silo, TransitApi api, Load load, IReadOnlyList<IReadOnlyList<PortEvent>> batches, Settings s)
    {
        var latency = new Samples("steady batch ack");
        var counts = new Acknowledgements();
        var cpu = MachineCpu.Start();
        var clock = Stopwatch.StartNew();
        var behind = 0;
        ShipmentReaders readers;
        await using (readers = new ShipmentReaders([silo.BaseAddress], load.Bookings, Readers))
        {
            using var slots = new SemaphoreSlim(SteadyInFlight);
            var inFlight = new List<Task>();
            var dispatched = 0;
            foreach (var batch in batches)
            {
                // Due by the events dispatched so far, so the average rate holds whatever the batch sizes.
                var due = TimeSpan.FromSeconds(dispatched / s.SteadyRate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                if (inFlight.Any(t => t.IsFaulted))
                {
                    break; // stop sending into a failing service; WhenAll below throws its failure
                }

                if (!slots.Wait(0))
                {
                    behind++;
                    await slots.WaitAsync();
                }

                dispatched += batch.Count;
                inFlight.Add(Task.Run(async () =>
                {
                    try
                    {
                        counts.Record((await latency.Time(() => api.Report(batch, CancellationToken.None))).Results);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }));
            }

            await Task.WhenAll(inFlight);
        }

        var result = counts.Result(clock.Elapsed, truncated: false, cpu.Stop());
        var held = result.EventsPerSecond >= 0.95 * Targets.SteadyRate;
        report.Add("steady ingest, events acknowledged", $"{result.EventsPerSecond:F0} events/s of {s.SteadyRate:F0} offered {Describe(result, withRate: false)}"
            + (behind > 0 ? $"; {behind} batches waited for one of {SteadyInFlight} in flight" : ""));
        report.Add("steady batch ack latency", latency.ToString());
        report.Add($"GET shipment (with timeline) at the steady rate, {Readers} readers", Targets.SteadyGet, readers.Latency.Percentile(99), $"p99 {readers.Latency.Percentile(99):F1} ms",
            $"(p50 {readers.Latency.Percentile(50):F1} ms, n={readers.Latency.Count})",
            held ? null : $"the rate was {result.EventsPerSecond:F0} events/s, not {Targets.SteadyRate:F0}");
        RequireNoneRejected(report, "steady ingest", result);
        readers.RequireNoFailures(report, "GET at the steady rate");
        return result;
    }

    /// <summary>The flat-out ingest again, on a fresh database, against a cluster of <see cref="Settings.Silos"/> silo processes.</summary>
    private static async Task<FlatOutResult> ScaleOut(Report report, Settings s, Load flat, IReadOnlyList<IReadOnlyList<PortEvent>> batches)
    {
        var database = await FreshDatabase(s.Postgres, "transit_scaleout");
        await Migrate(s, database);
        var silos = new List<ChildProcess>();
        var apis = new List<TransitApi>();
        try
        {
            for (var i = 0; i < s.Silos; i++)
            {
                // A queue of their own, empty at the start as the single silo's was.
                var silo = await StartSilo(s, database, TaxQueueName + "-scale-out");
                silos.Add(silo);
                apis.Add(new TransitApi(silo.BaseAddress, AdminKey, connections: s.Concurrency * 2));
                report.Add($"silo {i + 1} start-up{(i > 0 ? " (joining the cluster)" : "")}", $"{silo.StartupTime.TotalSeconds:F2} s");
            }

            await Bookings(report, apis, flat.Bookings, s.Concurrency, target: null);
            return await FlatOut(report, silos, apis, flat, batches, s, database, target: null);
        }
        catch (Exception error) when (silos.Any(silo => silo.Ended is not null))
        {
            throw new InvalidOperationException(
                $"{error.Message}{EndedOutput(silos)}", error);
        }
        finally
        {
            foreach (var api in apis)
            {
                api.Dispose();
            }

            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    internal static void RequireNoneRejected(Report report, string phase, IngestResult result)
    {
        if (result.Rejected > 0)
        {
            report.Fail(phase, $"{result.Rejected} events REJECTED (the first ones on stderr): the load is not what it should be");
        }
    }

    /// <summary>The first batches that hold <paramref name="events"/> events.</summary>
    private static List<IReadOnlyList<PortEvent>> FirstEvents(IReadOnlyList<IReadOnlyList<PortEvent>> batches, int events)
    {
        var taken = new List<IReadOnlyList<PortEvent>>();
        for (var (i, sum) = (0, 0); i < batches.Count && sum < events; sum += batches[i++].Count)
        {
            taken.Add(batches[i]);
        }

        return taken;
    }

    internal static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    internal static string Describe(IngestResult r, bool withRate = true) =>
        $"{(withRate ? $"{r.EventsPerSecond:F0} events/s " : "")}({r.Events} in {r.Elapsed.TotalSeconds:F1} s, {r.Batches} batches; {r.Accepted} accepted, {r.Duplicate} duplicate, {r.Rejected} rejected"
        + $"{(r.Truncated ? "; stopped at the time limit" : "")}; machine CPU {100 * r.MachineCpu:F0}%)";

    /// <summary>Sends the batches, <paramref name="concurrency"/> in flight (spread over the APIs), until done or the time limit passes.</summary>
    internal static async Task<IngestResult> Ingest(
        IReadOnlyList<TransitApi> apis, IReadOnlyList<IReadOnlyList<PortEvent>> batches, int concurrency, TimeSpan limit, Samples latency, WireFormat format = WireFormat.Json)
    {
        var counts = new Acknowledgements();
        var cpu = MachineCpu.Start();
        var clock = Stopwatch.StartNew();
        var next = -1;
        var truncated = false;
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var api = apis[worker % apis.Count];
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= batches.Count)
                {
                    return;
                }

                if (clock.Elapsed > limit)
                {
                    truncated = true;
                    return;
                }

                counts.Record((await latency.Time(() => api.Report(batches[i], CancellationToken.None, format))).Results);
            }
        }).ToList();
        await Task.WhenAll(workers);
        return counts.Result(clock.Elapsed, truncated, cpu.Stop());
    }

    /// <summary>Books, <paramref name="concurrency"/> at a time spread over the APIs; answers how many were refused.</summary>
    internal static async Task<int> Book(IReadOnlyList<TransitApi> apis, IReadOnlyList<Booking> bookings, int concurrency, Samples latency)
    {
        var refused = 0;
        await Parallel.ForEachAsync(bookings.Select((booking, i) => (booking, api: apis[i % apis.Count])), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, ct) =>
        {
            var (booking, api) = item;
            var (status, problem) = await latency.Time(() => api.Book(booking with { Forwarder = booking.Forwarder ?? Forwarder }, ct));
            if (status is not (HttpStatusCode.Created or HttpStatusCode.OK) && Interlocked.Increment(ref refused) <= 3)
            {
                Console.Error.WriteLine($"booking {booking.ShipmentId} refused: {(int)status} {problem}");
            }
        });
        return refused;
    }

    /// <summary>
    /// The trains again (new ones), each shipment of them seen by <see cref="WebhookFanOut.Subscriptions"/> subscriptions:
    /// the DEPA's acknowledgement, and its notifications' way to the receiver. The loading's notifications are delivered
    /// before the DEPA is sent, so that it is timed as the only thing the silo does.
    /// </summary>
    private static async Task<(Samples Acknowledged, Samples Delivered)> TrainsWithSubscriptions(TransitApi api, Uri silo, Workloads workloads, Settings s)
    {
        var acknowledged = new Samples("train DEPA with subscriptions");
        var delivered = new Samples("webhook delivery");
        await using var webhooks = await WebhookFanOut.StartAsync(silo);
        for (var t = 0; t < s.Trains; t++)
        {
            var setup = workloads.Train(s.Trains + t);
            var at = await Timed(api, setup, s.Concurrency, acknowledged,
                () => webhooks.Delivered(setup, setup.Prepare, TimeSpan.FromSeconds(60)));
            await webhooks.Measure(setup, at, delivered);
        }

        return (acknowledged, delivered);
    }

    /// <summary>
    /// Books and prepares a setup, then (once <paramref name="settled"/>, when given) times the POST of its one event alone;
    /// answers when that POST was acknowledged.
    /// </summary>
    private static async Task<long> Timed(TransitApi api, Setup setup, int concurrency, Samples latency, Func<Task<bool>>? settled = null)
    {
        if (await Book([api], setup.Bookings, concurrency, new Samples("setup booking")) > 0)
        {
            throw new InvalidOperationException($"the bookings of {setup.ShipmentId} were refused");
        }

        var (prepared, _) = await api.Report(setup.Prepare, CancellationToken.None);
        if (prepared.FirstOrDefault(r => r.Status != "ACCEPTED") is { } bad)
        {
            throw new InvalidOperationException($"preparing {setup.ShipmentId}: {bad.EventId} {bad.Status} {bad.Error}");
        }

        if (settled is not null && !await settled())
        {
            throw new TimeoutException($"preparing {setup.ShipmentId}: not settled within the limit");
        }

        var (results, _) = await latency.Time(() => api.Report([setup.Timed], CancellationToken.None));
        var acknowledged = Stopwatch.GetTimestamp();
        if (results[0].Status != "ACCEPTED")
        {
            throw new InvalidOperationException($"{setup.Timed.EventId}: {results[0].Status} {results[0].Error}");
        }

        return acknowledged;
    }

    /// <summary>One barge at a time: the time from the DEPA's acknowledgement until its REFUND_ELIGIBLE can be received from the queue.</summary>
    private static async Task<Samples> RefundTriggers(TransitApi api, Workloads workloads, Settings s)
    {
        var queue = new QueueClient(s.Queue, TaxQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();

        var seen = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), CancellationToken.None)).Value;
                var received = Stopwatch.GetTimestamp();
                foreach (var message in messages)
                {
                    using var json = JsonDocument.Parse(message.Body.ToString());
                    seen.TryAdd(json.RootElement.GetProperty("messageId").GetString()!, received);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                }

                if (messages.Length == 0)
                {
                    await Task.Delay(5, CancellationToken.None);
                }
            }
        });

        var samples = new Samples("refund trigger");
        var ignored = new Samples("barge DEPA POST");
        for (var b = 0; b < s.Barges; b++)
        {
            var setup = workloads.RefundBarge(b);
            var acknowledged = await Timed(api, setup, s.Concurrency, ignored);
            var messageId = $"{setup.ShipmentId}:REFUND_ELIGIBLE";
            var wait = Stopwatch.StartNew();
            while (!seen.ContainsKey(messageId) && wait.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(2);
            }

            if (!seen.TryGetValue(messageId, out var visible))
            {
                throw new TimeoutException($"no {messageId} on the queue within 20 s");
            }

            // A message may be received before the HTTP answer arrives (the timer delivers at once): that counts as 0.
            samples.Add(Stopwatch.GetElapsedTime(acknowledged, Math.Max(acknowledged, visible)));
        }

        await stop.CancelAsync();
        await consumer;
        return samples;
    }

    /// <summary>VmRSS of the silo before and after activating <c>MemoryShipments</c> new shipments with 20 events each.</summary>
    private static async Task<(double PerShipment, long Before, long After)> Memory(TransitApi api, ChildProcess silo, Workloads workloads, Settings s)
    {
        var (bookings, events) = workloads.MemoryShipments(s.MemoryShipments);
        await Task.Delay(3000);
        var before = silo.ResidentBytes();
        await Book([api], bookings, s.Concurrency, new Samples("memory booking"));
        var sent = await Ingest([api], events.Chunk(s.BatchSize).Select(c => (IReadOnlyList<PortEvent>)c).ToList(), s.Concurrency, TimeSpan.FromSeconds(120), new Samples("memory load"));
        if (sent.Accepted != events.Count)
        {
            Console.Error.WriteLine($"memory load: {sent.Accepted} of {events.Count} events accepted");
        }

        await Task.Delay(3000);
        var after = silo.ResidentBytes();
        return ((after - before) / (double)bookings.Count, before, after);
    }

    /// <summary>Grain calls the intake makes for a batch (see EventIntakeGrain): one call per container, shipment and conveyance; the event ids are claimed in one SQL statement.</summary>
    /// <summary>
    /// The grains a batch reaches: the shipments its container events concern and the conveyances it names. Containers
    /// are routed to their shipments inside the journal's statement, so they cost no grain call.
    /// </summary>
    private static string GrainCalls(IReadOnlyList<IReadOnlyList<PortEvent>> batches, IReadOnlyList<Booking> bookings)
    {
        var shipmentOf = bookings.SelectMany(b => b.Containers.Select(c => (c, b.ShipmentId))).ToDictionary(x => x.c, x => x.ShipmentId);
        double shipments = 0, conveyances = 0;
        foreach (var batch in batches)
        {
            shipments += batch.Where(e => e.ContainerNumber is not null).Select(e => shipmentOf.GetValueOrDefault(e.ContainerNumber!)).Distinct().Count();
            conveyances += batch.Where(e => e.ConveyanceId is not null).Select(e => e.ConveyanceId).Distinct().Count();
        }

        var n = Math.Max(1, batches.Count);
        return $"{(shipments + conveyances) / n:F0} for {batches.Sum(b => b.Count) / (double)n:F0} events: {shipments / n:F0} shipments, "
            + $"{conveyances / n:F0} conveyances (+ the shipments a transport event fans out to); containers are routed in the journal's SQL";
    }

    /// <summary>A new, empty database of that name on the benchmark's PostgreSQL (one left by an earlier run is dropped).</summary>
    internal static async Task<string> FreshDatabase(string postgres, string name)
    {
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
    }

    /// <summary>pgbench's rate for one single-row UPDATE per transaction: the ceiling of one durable write per event.</summary>
    private static async Task<double> Pgbench(Settings s)
    {
        var db = new NpgsqlConnectionStringBuilder(await FreshDatabase(s.Postgres, "pgbench"));
        var pgbench = Path.Combine(s.PgBin, "pgbench");
        string[] connection = ["-h", db.Host!, "-p", db.Port.ToString(CultureInfo.InvariantCulture), "-U", db.Username ?? "postgres"];
        await RunTool(pgbench, [.. connection, "-i", "-q", "-s", "1", "pgbench"], ".");
        var script = Path.Combine(Path.GetTempPath(), $"transit-bench-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script, "\\set aid random(1, 100000)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n");
        try
        {
            var output = await RunTool(pgbench,
                [.. connection, "-n", "-c", s.PgbenchClients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", s.PgbenchSeconds.ToString(CultureInfo.InvariantCulture), "-f", script, "pgbench"], ".");
            var line = output.Split('\n').First(l => l.StartsWith("tps = ", StringComparison.Ordinal));
            return double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<string> RunTool(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }
}

/// <summary>Share of both cores busy over an interval, from /proc/stat (the whole machine: silo, PostgreSQL and this driver).</summary>
internal sealed class MachineCpu
{
    private readonly (long Busy, long Total) _start = Read();

    public static MachineCpu Start() => new();

    public double Stop()
    {
        var end = Read();
        var total = end.Total - _start.Total;
        return total > 0 ? (end.Busy - _start.Busy) / (double)total : 0;
    }

    private static (long Busy, long Total) Read()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        var total = fields.Take(8).Sum();
        return (total - idle, total);
    }
}

/// <summary>Counts what the service answered over many batches; thread-safe.</summary>
internal sealed class Acknowledgements
{
    private int _batches;
    private int _events;
    private int _accepted;
    private int _duplicate;
    private int _rejected;

    public void Record(IReadOnlyList<EventResult> results)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _events, results.Count);
        Interlocked.Add(ref _accepted, results.Count(r => r.Status == "ACCEPTED"));
        Interlocked.Add(ref _duplicate, results.Count(r => r.Status == "DUPLICATE"));
        var rejected = results.Where(r => r.Status == "REJECTED").ToList();
        Interlocked.Add(ref _rejected, rejected.Count);
        foreach (var r in rejected.Take(3))
        {
            Console.Error.WriteLine($"REJECTED {r.EventId}: {r.Error}");
        }
    }

    public IngestResult Result(TimeSpan elapsed, bool truncated, double machineCpu) =>
        new(_batches, _events, _accepted, _duplicate, _rejected, elapsed, truncated, machineCpu);
}

/// <summary>
/// A forwarder's view while events come in: each reader GETs a random shipment of the load (with timeline) about 100
/// times a second, the readers spread over the given silos. Failed reads are counted, not thrown, so that the ingest
/// they accompany still gives its figures.
/// </summary>
internal sealed class ShipmentReaders : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers;
    private readonly ConcurrentQueue<string> _failures = new();

    public ShipmentReaders(IReadOnlyList<Uri> silos, IReadOnlyList<Booking> bookings, int readers)
    {
        _readers = [.. Enumerable.Range(0, readers).Select(r => Read(silos[r % silos.Count], bookings, r))];
    }

    public Samples Latency { get; } = new("GET shipment");

    public void RequireNoFailures(Report report, string phase)
    {
        if (!_failures.IsEmpty)
        {
            report.Fail(phase, $"{_failures.Count} GETs failed, e.g. {_failures.First()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
        _stop.Dispose();
    }

    private async Task Read(Uri baseAddress, IReadOnlyList<Booking> bookings, int seed)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", EndToEnd.AdminKey);
        var random = new Random(seed);
        while (!_stop.IsCancellationRequested)
        {
            var id = bookings[random.Next(bookings.Count)].ShipmentId;
            try
            {
                var status = await Latency.Time(async () =>
                {
                    using var response = await http.GetAsync($"api/v1/shipments/{Uri.EscapeDataString(id)}", CancellationToken.None);
                    _ = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    return response.StatusCode;
                });
                if (status != HttpStatusCode.OK)
                {
                    _failures.Enqueue($"GET shipment {id} answered {(int)status} {status}");
                }
            }
            catch (HttpRequestException error)
            {
                _failures.Enqueue($"GET shipment {id}: {error.Message}");
            }
            catch (TaskCanceledException)
            {
                _failures.Enqueue($"GET shipment {id}: no answer within 30 s");
            }

            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
