using System.Diagnostics;

namespace TransitGrains.Benchmarks;

/// <summary>Latency samples of one figure, in milliseconds; thread-safe, so concurrent senders add to one.</summary>
public sealed class Samples(string name)
{
    private readonly List<double> _ms = [];

    public string Name { get; } = name;

    public int Count
    {
        get
        {
            lock (_ms)
            {
                return _ms.Count;
            }
        }
    }

    public void Add(TimeSpan elapsed)
    {
        lock (_ms)
        {
            _ms.Add(elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Nearest-rank percentile: with few samples p99 is the maximum, never an interpolated guess.</summary>
    public double Percentile(double p)
    {
        lock (_ms)
        {
            if (_ms.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _ms.Order().ToList();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
            return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
        }
    }

    public override string ToString() => $"p50 {Percentile(50):F1} ms, p99 {Percentile(99):F1} ms (n={Count})";

    /// <summary>Times <paramref name="action"/> and adds the sample.</summary>
    public async Task<T> Time<T>(Func<Task<T>> action)
    {
        var clock = Stopwatch.StartNew();
        var result = await action();
        Add(clock.Elapsed);
        return result;
    }
}

/// <summary>A goal set for one figure of the run, e.g. at least 5,000 durable events a second.</summary>
public sealed record Target(string Name, string Goal, Func<double, bool> IsMet);

/// <summary>The goals the run checks its figures against; each is printed beside its figure and again in the final table.</summary>
public static class Targets
{
    /// <summary>The rate of port systems at which reads are measured (half the ingest target).</summary>
    public const double SteadyRate = 2500;

    public static readonly Target Ingest = new("durable events/s, realistic mix, flat out", ">= 5,000 events/s", v => v >= 5000);
    public static readonly Target VersusPlain = new("durable ingest / plain reference", ">= 2x", v => v >= 2);
    public static readonly Target VersusPgbench = new("plain equipment load / pgbench single-row rate", ">= 0.7x", v => v >= 0.70);
    public static readonly Target Bookings = new("bookings/s", ">= 1,000/s", v => v >= 1000);
    public static readonly Target SteadyGet = new("GET p99 at a steady 2,500 events/s", "<= 10 ms, the rate held", v => v <= 10);
    public static readonly Target Trigger = new("refund trigger p99", "<= 1 s", v => v <= 1000);
    public static readonly Target FanOut = new("50-container train DEPA p99", "<= 100 ms", v => v <= 100);
    public static readonly Target WebhookFanOut = new("train DEPA p99 with 10 webhook subscriptions", "<= 100 ms", v => v <= 100);
    public static readonly Target Memory = new("managed heap per active shipment", "<= 12 KiB", v => v <= 12);
    public static readonly Target Wal = new("WAL per acknowledged event, realistic mix", "<= 1 KB", v => v <= 1000);
    public static readonly Target SiloCpu = new("silo CPU per acknowledged event, realistic mix", "<= 70 µs", v => v <= 70);
    public static readonly Target ActivationTail = new("activation with 1,000 events after the snapshot (first GET p99)", "<= 50 ms", v => v <= 50);
    public static readonly Target ScaleOut = new("2 silos / 1 silo on the same machine (events/s)", ">= 0.9x", v => v >= 0.9);
    public static readonly Target Startup = new("silo start-up", "<= 3 s", v => v <= 3);
    public static readonly Target Listing = new("shipment listing, a page of 50 (GET p99)", "<= 20 ms", v => v <= 20);
    public static readonly Target EdifactIngest = new("durable events/s through POST /api/v1/edifact, 200 EQD groups", ">= 5,000 events/s", v => v >= 5000);

    public static readonly IReadOnlyList<Target> All =
        [Ingest, VersusPlain, VersusPgbench, Wal, SiloCpu, Bookings, SteadyGet, Trigger, FanOut, WebhookFanOut, Memory, ActivationTail, ScaleOut, Startup, Listing, EdifactIngest];
}

/// <summary>
/// The report: every figure as one aligned line, collected in order and printed at the end as well, with the targets'
/// verdicts and the phases that failed. A failed phase is a line of its own, and its targets count as not met.
/// </summary>
/// <param name="targets">The targets this run checks: the final table lists each, "no figure" where none was measured.</param>
public sealed class Report(IReadOnlyList<Target> targets)
{
    private readonly List<string> _lines = [];
    private readonly Dictionary<Target, (string Figure, bool Met)> _verdicts = [];
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    public void Add(string name, string value)
    {
        var line = $"  {name,-58} {value}";
        _lines.Add(line);
        Console.WriteLine(line);
    }

    /// <summary>
    /// A figure with a target: <c>figure [goal: met]</c>, then the details. <paramref name="unmetBecause"/> says why the
    /// target is missed whatever the figure (e.g. the steady rate was not held). A target checked on several figures is
    /// met only if each is; the final table shows the first figure that missed it.
    /// </summary>
    public void Add(string name, Target target, double value, string figure, string details = "", string? unmetBecause = null)
    {
        var met = unmetBecause is null && target.IsMet(value);
        if (!_verdicts.TryGetValue(target, out var earlier) || earlier.Met)
        {
            _verdicts[target] = (figure, met);
        }

        Add(name, $"{figure}  [target {target.Goal}: {(met ? "met" : "NOT MET")}{(unmetBecause is null ? "" : $", {unmetBecause}")}]{(details.Length > 0 ? $"  {details}" : "")}");
    }

    public void Section(string title)
    {
        _lines.Add(title);
        Console.WriteLine(title);
    }

    /// <summary>Records a phase that failed: its figures are missing or wrong, the run goes on with the next phase and exits non-zero.</summary>
    public void Fail(string phase, string why)
    {
        _failures.Add(phase);
        Add($"FAILED: {phase}", why);
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("==================== benchmark results ====================");
        foreach (var line in _lines)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
        Console.WriteLine("Targets");
        Console.WriteLine($"  {"target",-45} {"goal",-25} {"measured",-22} verdict");
        foreach (var target in targets)
        {
            var (figure, met) = _verdicts.TryGetValue(target, out var verdict) ? verdict : ("no figure", false);
            Console.WriteLine($"  {target.Name,-45} {target.Goal,-25} {figure,-22} {(met ? "met" : "NOT MET")}");
        }

        Console.WriteLine($"  {_verdicts.Count(v => v.Value.Met)} of {targets.Count} met");
        if (_failures.Count > 0)
        {
            Console.WriteLine($"FAILED phases ({_failures.Count}): {string.Join("; ", _failures)}");
        }
    }
}
