using System.Collections.Concurrent;
using System.Diagnostics;
using NodaTime;

namespace TransitGrains.PortSimulator;

/// <summary>
/// How events go out: batches of <see cref="BatchSize"/>, at most <see cref="Rate"/> events a second (0: as fast as
/// the service takes them), <see cref="Concurrency"/> batches in flight. <see cref="Duplicates"/> is the share of
/// events sent a second time later on (a port system retrying), <see cref="OutOfOrder"/> the share held back by up
/// to a few batches (a slow feed), so that, e.g., a DEPA arrives after the ARRI. <see cref="Format"/> EDIFACT sends each
/// batch's container moves as one interchange (see <see cref="TerminalEdi"/>) and the rest as JSON.
/// </summary>
public sealed record DeliveryOptions(
    int BatchSize = 200,
    double Rate = 0,
    int Concurrency = 4,
    double Duplicates = 0,
    double OutOfOrder = 0,
    int Seed = 1,
    WireFormat Format = WireFormat.Json);

/// <summary>What the service answered, over all events sent.</summary>
public sealed record DeliveryReport(
    int UniqueEvents,
    int Sent,
    int Batches,
    int Accepted,
    int Duplicate,
    int Rejected,
    int Retries,
    Duration Elapsed,
    IReadOnlyList<string> Problems)
{
    public double EventsPerSecond => Elapsed > Duration.Zero ? Sent / Elapsed.TotalSeconds : 0;
}

public static class Delivery
{
    /// <summary>The batches in sending order, duplicates and hold-backs included; the same seed gives the same batches.</summary>
    public static IReadOnlyList<IReadOnlyList<PortEvent>> Batches(IReadOnlyList<PortEvent> events, DeliveryOptions options)
    {
        var random = new Random(options.Seed);
        var window = (3 * options.BatchSize) + 1; // how far back (in events) a held-back or repeated event may land
        var order = new List<(double Key, int Seq, PortEvent Event)>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var key = random.NextDouble() < options.OutOfOrder ? i + random.Next(1, window + 1) + 0.5 : i;
            order.Add((key, order.Count, events[i]));
            if (random.NextDouble() < options.Duplicates)
            {
                order.Add((key + random.Next(0, window + 1) + 0.25, order.Count, events[i]));
            }
        }

        return order.OrderBy(o => o.Key).ThenBy(o => o.Seq).Select(o => o.Event).Chunk(options.BatchSize).Select(c => (IReadOnlyList<PortEvent>)c).ToList();
    }

    /// <summary>
    /// Sends every batch and checks the answers: no event REJECTED, every event ACCEPTED exactly once (a repeat
    /// must be DUPLICATE; after a retried batch, whose first answer was lost, DUPLICATE alone is fine). Progress goes to <paramref name="progress"/>.
    /// </summary>
    /// <param name="firstDelivery">False when the plan may have been sent before (a rerun): then DUPLICATE alone is fine.</param>
    public static async Task<DeliveryReport> Send(TransitApi api, IReadOnlyList<PortEvent> events, DeliveryOptions options, bool firstDelivery, Progress progress, CancellationToken ct)
    {
        var batches = Batches(events, options);
        var sent = batches.Sum(b => b.Count);
        var accepted = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var retried = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var problems = new ConcurrentQueue<string>();
        var counts = new int[4]; // accepted, duplicate, rejected, retries
        var done = 0;
        var clock = Stopwatch.StartNew();

        using var slots = new SemaphoreSlim(Math.Max(1, options.Concurrency));
        var inFlight = new List<Task>();
        var dispatched = 0;
        progress.Start("events", sent, () => (Volatile.Read(ref done), $"{counts[0]} accepted, {counts[1]} duplicate, {counts[2]} rejected"));
        foreach (var batch in batches)
        {
            if (options.Rate > 0)
            {
                // Pace by events dispatched so far, so the average rate holds whatever the batch size.
                var due = TimeSpan.FromSeconds(dispatched / options.Rate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, ct);
                }
            }

            await slots.WaitAsync(ct);
            dispatched += batch.Count;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var (results, retries) = await api.Report(batch, ct, options.Format);
                    Interlocked.Add(ref counts[3], retries);
                    if (retries > 0)
                    {
                        foreach (var e in batch)
                        {
                            retried[e.EventId] = true;
                        }
                    }

                    if (results.Count != batch.Count)
                    {
                        problems.Enqueue($"a batch of {batch.Count} events got {results.Count} results");
                    }

                    foreach (var (e, result) in batch.Zip(results))
                    {
                        acknowledged[e.EventId] = true;
                        switch (result.Status)
                        {
                            case "ACCEPTED":
                                Interlocked.Increment(ref counts[0]);
                                if (accepted.AddOrUpdate(e.EventId, 1, (_, n) => n + 1) > 1)
                                {
                                    problems.Enqueue($"event {e.EventId} was ACCEPTED twice");
                                }

                                break;
                            case "DUPLICATE":
                                Interlocked.Increment(ref counts[1]);
                                break;
                            default:
                                Interlocked.Increment(ref counts[2]);
                                problems.Enqueue($"event {e.EventId} {result.Status}: {result.Error}");
                                break;
                        }
                    }

                    Interlocked.Add(ref done, batch.Count);
                }
                finally
                {
                    slots.Release();
                }
            }, ct));
        }

        await Task.WhenAll(inFlight);
        var elapsed = Duration.FromTimeSpan(clock.Elapsed);
        progress.Stop();

        var unique = events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).ToList();
        var all = problems
            .Concat(unique.Where(id => !acknowledged.ContainsKey(id)).Select(id => $"event {id} was never acknowledged"))
            // Without a retried batch (whose first answer may have been lost), the first copy stored must say ACCEPTED.
            .Concat(unique.Where(id => firstDelivery && acknowledged.ContainsKey(id) && !accepted.ContainsKey(id) && !retried.ContainsKey(id))
                .Select(id => $"event {id} was answered DUPLICATE every time, never ACCEPTED"))
            .ToList();
        return new DeliveryReport(unique.Count, sent, batches.Count, counts[0], counts[1], counts[2], counts[3], elapsed, all);
    }
}

/// <summary>
/// A progress line: rewritten in place on a terminal, a new line every few seconds in a log. Elapsed time comes
/// from a monotonic stopwatch, not the wall clock.
/// </summary>
public sealed class Progress(TextWriter output, bool live) : IDisposable
{
    private CancellationTokenSource? _stop;
    private Task? _printing;
    private Stopwatch _clock = new();
    private string _what = "";
    private int _total;
    private Func<(int Done, string Detail)> _read = () => (0, "");

    public static readonly Progress None = new(TextWriter.Null, live: false);

    public void Start(string what, int total, Func<(int Done, string Detail)> read)
    {
        (_what, _total, _read, _clock) = (what, total, read, Stopwatch.StartNew());
        if (ReferenceEquals(output, TextWriter.Null))
        {
            return;
        }

        _stop = new CancellationTokenSource();
        var every = TimeSpan.FromSeconds(live ? 0.5 : 5);
        _printing = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(every);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    Print(final: false);
                }
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        });
    }

    public void Stop()
    {
        if (_stop is null)
        {
            return;
        }

        _stop.Cancel();
        _printing!.Wait();
        _stop.Dispose();
        _stop = null;
        Print(final: true);
    }

    public void Dispose() => Stop();

    private void Print(bool final)
    {
        var (done, detail) = _read();
        var seconds = _clock.Elapsed.TotalSeconds;
        var line = $"{_what}: {done}/{_total} ({(_total == 0 ? 100 : 100.0 * done / _total):F0}%), {(seconds > 0 ? done / seconds : 0):F0}/s, {detail}";
        if (live)
        {
            output.Write($"\r{line}".PadRight(100) + (final ? "\n" : ""));
        }
        else
        {
            output.WriteLine(line);
        }

        output.Flush();
    }
}
