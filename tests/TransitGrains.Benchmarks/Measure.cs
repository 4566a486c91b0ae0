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

/// <summary>The report: every figure as one aligned line, collected in order and printed at the end as well.</summary>
public sealed class Report
{
    private readonly List<string> _lines = [];

    public void Add(string name, string value)
    {
        var line = $"  {name,-58} {value}";
        _lines.Add(line);
        Console.WriteLine(line);
    }

    public void Section(string title)
    {
        _lines.Add(title);
        Console.WriteLine(title);
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("==================== benchmark results ====================");
        foreach (var line in _lines)
        {
            Console.WriteLine(line);
        }
    }
}
