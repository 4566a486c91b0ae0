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
    double Scale = 0.5, int IngestSeconds = 90, int Concurrency = 8, int BatchSize = 200,
    int Trains = 40, int Barges = 40, int MemoryShipments = 1000, int PgbenchSeconds = 10, int PgbenchClients = 12);

/// <summary>What one ingest run acknowledged.</summary>
public sealed record IngestResult(int Batches, int Events, int Accepted, int Duplicate, int Rejected, TimeSpan Elapsed, bool Truncated, double MachineCpu)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
}

/// <summary>The end-to-end benchmark: TransitGrains' durable profile, the plain PostgreSQL reference and pgbench, in one run.</summary>
public static class EndToEnd
{
    private const string AdminKey = "dev-admin-key";
    private const string Forwarder = "FWD-DEMO";

    public static async Task<int> Run(Settings s)
    {
        var report = new Report();
        var now = SystemClock.Instance.GetCurrentInstant();
        var plan = DayGenerator.Generate(new DayOptions(PlanClock.DefaultStart(now), s.Scale, Seed: 11));
        // The simulator's realistic delivery: 2% sent twice, 5% late by up to three batches.
        var batches = Delivery.Batches(plan.Events, new DeliveryOptions(s.BatchSize, 0, s.Concurrency, Duplicates: 0.02, OutOfOrder: 0.05, Seed: 1));
        report.Section($"Load: {plan.Name}: {plan.Bookings.Count} shipments, {plan.ContainerCount} containers, {plan.Events.Count} events "
            + $"in {batches.Count} batches of {s.BatchSize} (2% duplicates, 5% out of order), {s.Concurrency} batches in flight, at most {s.IngestSeconds} s");

        report.Section($"Machine: {Environment.ProcessorCount} cores, load average at start {LoadAverage()} (above the core count, other work shares the box and every figure drops)");

        var transit = new NpgsqlConnectionStringBuilder(s.Postgres) { Database = "transit" }.ConnectionString;
        var migrate = Stopwatch.StartNew();
        await RunTool("dotnet", [Path.GetFullPath(s.SiloDll), "migrate", $"--ConnectionStrings:Transit={transit}"], Path.GetDirectoryName(Path.GetFullPath(s.SiloDll))!);
        Console.WriteLine($"migrated in {migrate.Elapsed.TotalSeconds:F1} s");

        IngestResult grains;
        var siloCpuPerEvent = 0.0;
        report.Section("TransitGrains, durable profile (silo process, PostgreSQL grain storage, Azurite queue)");
        await using (var silo = await ChildProcess.StartAsync(s.SiloDll,
        [
            "--environment=Development", $"--ConnectionStrings:Transit={transit}", $"--ConnectionStrings:TaxQueue={s.Queue}",
            $"--Transit:Cluster:SiloPort={ChildProcess.FreePort()}", $"--Transit:Cluster:GatewayPort={ChildProcess.FreePort()}",
            "--Logging:LogLevel:Default=Warning",
        ], TimeSpan.FromSeconds(120)))
        {
            report.Add("silo start-up (process start -> /health/ready 200)", $"{silo.StartupTime.TotalSeconds:F2} s");
            using var api = new TransitApi(silo.BaseAddress, AdminKey, connections: s.Concurrency * 2);

            var booking = Stopwatch.StartNew();
            var refused = await Book(api, plan.Bookings, s.Concurrency);
            report.Add("bookings of the day", $"{plan.Bookings.Count} in {booking.Elapsed.TotalSeconds:F1} s ({plan.Bookings.Count / booking.Elapsed.TotalSeconds:F0}/s), {refused} refused");

            var before = await StorageProfile.Read(transit);
            var cpuBefore = silo.CpuSeconds();
            var ingestLatency = new Samples("batch ack");
            var getLatency = new Samples("GET shipment");
            using var stopReaders = new CancellationTokenSource();
            var readers = Enumerable.Range(0, 2).Select(r => ReadShipments(silo.BaseAddress, plan.Bookings, r, getLatency, stopReaders.Token)).ToList();
            grains = await Ingest(api, batches, s.Concurrency, TimeSpan.FromSeconds(s.IngestSeconds), ingestLatency);
            await stopReaders.CancelAsync();
            await Task.WhenAll(readers);
            siloCpuPerEvent = (silo.CpuSeconds() - cpuBefore) / grains.Events;
            await Task.Delay(1500); // the statistics collector flushes about every second
            var after = await StorageProfile.Read(transit);

            report.Add("durable ingest, events acknowledged", Describe(grains));
            report.Add("batch ack latency", ingestLatency.ToString());
            report.Add("GET shipment (with timeline) while ingesting, 2 readers", getLatency.ToString());
            report.Add("silo CPU per acknowledged event", $"{siloCpuPerEvent * 1e6:F0} µs");
            foreach (var line in StorageProfile.Describe(before, after, grains.Accepted))
            {
                report.Add(line.Name, line.Value);
            }

            report.Add("grain calls per batch (average, from the batches)", GrainCalls(batches.Take(grains.Batches).ToList(), plan.Bookings));

            var workloads = new Workloads(new HashSet<string>(plan.Bookings.SelectMany(b => b.Containers)), now, "B" + (now.ToUnixTimeSeconds() % 100000));
            var fanOut = new Samples("train DEPA");
            for (var t = 0; t < s.Trains; t++)
            {
                await Timed(api, workloads.Train(t), s.Concurrency, fanOut);
            }

            report.Add("fan-out: 50-container train DEPA, POST -> all shipments durable", fanOut.ToString());

            var (withSubscriptions, delivery) = await TrainsWithSubscriptions(api, silo.BaseAddress, workloads, s);
            report.Add($"fan-out with {WebhookFanOut.Subscriptions} matching webhook subscriptions, the same DEPA",
                $"{withSubscriptions} (target p99 <= 100 ms)");
            report.Add("webhook delivery: DEPA ack -> receiver, each shipment and subscription", delivery.ToString());

            var trigger = await RefundTriggers(api, workloads, s);
            report.Add("refund trigger: barge DEPA ack -> message on the queue", trigger.ToString());

            var (perShipment, rssBefore, rssAfter) = await Memory(api, silo, workloads, s);
            report.Add($"process view: VmRSS delta per active shipment (20 events, / {s.MemoryShipments})",
                $"{perShipment / 1024.0:F1} KiB (RSS {rssBefore / 1048576.0:F0} -> {rssAfter / 1048576.0:F0} MiB; includes its 3 container grains, still active; "
                + "moves with GC compaction and heap headroom, see the managed heap figure below)");
        }

        // After the durable silo has stopped, so the two silos never compete for the cores.
        report.Section("TransitGrains, managed heap of active shipments (a silo inside the benchmark process, the same load as the RSS figure)");
        await ActivationMemory.Run(report, s.MemoryShipments, s.BatchSize, s.Concurrency);

        report.Section("Reference: plain ASP.NET Core + Npgsql ingest, one transaction per event, same PostgreSQL, same batches");
        IngestResult plain;
        var plainDb = await CreateDatabase(s.Postgres, "plain");
        await using (var reference = await ChildProcess.StartAsync(s.PlainDll, [$"--ConnectionStrings:Plain={plainDb}"], TimeSpan.FromSeconds(60)))
        {
            using var api = new TransitApi(reference.BaseAddress, AdminKey, connections: s.Concurrency * 2);
            await Book(api, plan.Bookings, s.Concurrency);
            var plainLatency = new Samples("plain batch ack");
            plain = await Ingest(api, batches, s.Concurrency, TimeSpan.FromSeconds(s.IngestSeconds), plainLatency);
            report.Add("plain ingest, events acknowledged", Describe(plain));
            report.Add("plain batch ack latency", plainLatency.ToString());
        }

        report.Section($"Reference: pgbench, one-row UPDATE per transaction, {s.PgbenchClients} clients, {s.PgbenchSeconds} s");
        var pgbench = await Pgbench(s);
        report.Add("pgbench single-row update rate", $"{pgbench:F0} tps");

        report.Section($"Ratios (load average at the end {LoadAverage()})");
        report.Add("TransitGrains / plain ingest (events/s)", $"{grains.EventsPerSecond / plain.EventsPerSecond:F2}x (target >= 2x)");
        report.Add("TransitGrains / pgbench single-row rate", $"{100 * grains.EventsPerSecond / pgbench:F0}% (target >= 70%)");
        report.Add("plain ingest / pgbench single-row rate", $"{100 * plain.EventsPerSecond / pgbench:F0}%");
        report.Print();
        return grains.Rejected == 0 && plain.Rejected == 0 ? 0 : 1;
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Describe(IngestResult r) =>
        $"{r.EventsPerSecond:F0} events/s ({r.Events} in {r.Elapsed.TotalSeconds:F1} s, {r.Batches} batches; {r.Accepted} accepted, {r.Duplicate} duplicate, {r.Rejected} rejected"
        + $"{(r.Truncated ? "; stopped at the time limit" : "")}; machine CPU {100 * r.MachineCpu:F0}%)";

    /// <summary>Sends the batches, <paramref name="concurrency"/> in flight, until done or the time limit passes.</summary>
    private static async Task<IngestResult> Ingest(TransitApi api, IReadOnlyList<IReadOnlyList<PortEvent>> batches, int concurrency, TimeSpan limit, Samples latency)
    {
        var counts = new int[5]; // batches, events, accepted, duplicate, rejected
        var cpu = MachineCpu.Start();
        var clock = Stopwatch.StartNew();
        var next = -1;
        var truncated = false;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
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

                var (results, _) = await latency.Time(() => api.Report(batches[i], CancellationToken.None));
                Interlocked.Increment(ref counts[0]);
                Interlocked.Add(ref counts[1], results.Count);
                Interlocked.Add(ref counts[2], results.Count(r => r.Status == "ACCEPTED"));
                Interlocked.Add(ref counts[3], results.Count(r => r.Status == "DUPLICATE"));
                var rejected = results.Where(r => r.Status == "REJECTED").ToList();
                Interlocked.Add(ref counts[4], rejected.Count);
                foreach (var r in rejected.Take(3))
                {
                    Console.Error.WriteLine($"REJECTED {r.EventId}: {r.Error}");
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        return new IngestResult(counts[0], counts[1], counts[2], counts[3], counts[4], clock.Elapsed, truncated, cpu.Stop());
    }

    private static async Task<int> Book(TransitApi api, IReadOnlyList<Booking> bookings, int concurrency)
    {
        var refused = 0;
        await Parallel.ForEachAsync(bookings, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (booking, ct) =>
        {
            var (status, problem) = await api.Book(booking with { Forwarder = booking.Forwarder ?? Forwarder }, ct);
            if (status is not (HttpStatusCode.Created or HttpStatusCode.OK) && Interlocked.Increment(ref refused) <= 3)
            {
                Console.Error.WriteLine($"booking {booking.ShipmentId} refused: {(int)status} {problem}");
            }
        });
        return refused;
    }

    /// <summary>A forwarder's view while the ingest runs: GET of a random shipment of the day, about 100 a second per reader.</summary>
    private static async Task ReadShipments(Uri baseAddress, IReadOnlyList<Booking> bookings, int seed, Samples latency, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            var id = bookings[random.Next(bookings.Count)].ShipmentId;
            var status = await latency.Time(async () =>
            {
                using var response = await http.GetAsync($"api/v1/shipments/{Uri.EscapeDataString(id)}", CancellationToken.None);
                _ = await response.Content.ReadAsStringAsync(CancellationToken.None);
                return response.StatusCode;
            });
            if (status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET shipment {id} answered {status}");
            }

            try
            {
                await Task.Delay(10, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
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
        if (await Book(api, setup.Bookings, concurrency) > 0)
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
        var queue = new QueueClient(s.Queue, "tax-refund-triggers", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync(); // the day's own triggers are not part of this figure

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
        await Book(api, bookings, s.Concurrency);
        var sent = await Ingest(api, events.Chunk(s.BatchSize).Select(c => (IReadOnlyList<PortEvent>)c).ToList(), s.Concurrency, TimeSpan.FromSeconds(120), new Samples("memory load"));
        if (sent.Accepted != events.Count)
        {
            Console.Error.WriteLine($"memory load: {sent.Accepted} of {events.Count} events accepted");
        }

        await Task.Delay(3000);
        var after = silo.ResidentBytes();
        return ((after - before) / (double)bookings.Count, before, after);
    }

    /// <summary>Grain calls the intake makes for a batch (see EventIntakeGrain): one call per container, shipment and conveyance; the event ids are claimed in one SQL statement.</summary>
    private static string GrainCalls(IReadOnlyList<IReadOnlyList<PortEvent>> batches, IReadOnlyList<Booking> bookings)
    {
        var shipmentOf = bookings.SelectMany(b => b.Containers.Select(c => (c, b.ShipmentId))).ToDictionary(x => x.c, x => x.ShipmentId);
        double containers = 0, shipments = 0, conveyances = 0;
        foreach (var batch in batches)
        {
            var withContainer = batch.Where(e => e.ContainerNumber is not null).ToList();
            containers += withContainer.Select(e => e.ContainerNumber).Distinct().Count();
            shipments += withContainer.Select(e => shipmentOf.GetValueOrDefault(e.ContainerNumber!)).Distinct().Count();
            conveyances += batch.Where(e => e.ConveyanceId is not null).Select(e => e.ConveyanceId).Distinct().Count();
        }

        var n = Math.Max(1, batches.Count);
        return $"{(containers + shipments + conveyances) / n:F0} for {batches.Sum(b => b.Count) / (double)n:F0} events: "
            + $"{containers / n:F0} containers, {shipments / n:F0} shipments, {conveyances / n:F0} conveyances (+ fan-out); event ids: 1 SQL statement";
    }

    private static async Task<string> CreateDatabase(string postgres, string name)
    {
        await using (var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await db.OpenAsync();
            await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{name}'", db);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", db);
                await create.ExecuteNonQueryAsync();
            }
        }

        return new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
    }

    /// <summary>pgbench's rate for one single-row UPDATE per transaction: the ceiling of one durable write per event.</summary>
    private static async Task<double> Pgbench(Settings s)
    {
        var db = new NpgsqlConnectionStringBuilder(await CreateDatabase(s.Postgres, "pgbench"));
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
