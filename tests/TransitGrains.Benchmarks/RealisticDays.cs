using NodaTime;
using TransitGrains.PortSimulator;

namespace TransitGrains.Benchmarks;

/// <summary>Bookings and the events that follow them, in the order port systems report them.</summary>
public sealed record Load(string Name, IReadOnlyList<Booking> Bookings, IReadOnlyList<PortEvent> Events)
{
    public int ContainerCount => Bookings.Sum(b => b.Containers.Count);
}

/// <summary>
/// The simulator's realistic day, again and again: day k starts k days before the first and has seed 11 + k, so its
/// shipments, barges, vessels and trains never meet another day's. Container numbers are drawn per day, so a number
/// another day already uses is replaced (in the booking and its events) to keep every container in one shipment.
/// </summary>
public sealed class RealisticDays(Instant now, double scale)
{
    private const int FirstSeed = 11;

    private readonly Random _random = new(FirstSeed);
    private int _next;

    /// <summary>Every container number of the days so far.</summary>
    public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="count"/> days.</summary>
    public Load Days(int count) => Of([.. Enumerable.Range(0, count).Select(_ => Next())]);

    /// <summary>The next days, as many as hold at least <paramref name="events"/> events.</summary>
    public Load DaysWithEvents(int events)
    {
        var days = new List<(SimulationPlan Plan, LocalDate Start, int Seed)>();
        do
        {
            days.Add(Next());
        }
        while (days.Sum(d => d.Plan.Events.Count) < events);

        return Of(days);
    }

    private Load Of(IReadOnlyList<(SimulationPlan Plan, LocalDate Start, int Seed)> days) => new(
        $"{days.Count} day(s) of the port simulator at scale {scale}, starting {string.Join(", ", days.Select(d => d.Start.ToString("uuuu-MM-dd", null)))}, "
            + $"seed {string.Join(", ", days.Select(d => d.Seed))}",
        [.. days.SelectMany(d => d.Plan.Bookings)],
        [.. days.SelectMany(d => d.Plan.Events)]);

    private (SimulationPlan Plan, LocalDate Start, int Seed) Next()
    {
        var k = _next++;
        var (start, seed) = (PlanClock.DefaultStart(now).PlusDays(-k), FirstSeed + k);
        var plan = DayGenerator.Generate(new DayOptions(start, scale, seed));
        if (PlanClock.Problem(plan, now) is { } problem)
        {
            throw new InvalidOperationException($"{plan.Name} cannot be sent now: {problem}");
        }

        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var container in plan.Bookings.SelectMany(b => b.Containers))
        {
            if (!Used.Add(container))
            {
                renamed[container] = ContainerNumbers.Next(_random, Used);
            }
        }

        if (renamed.Count == 0)
        {
            return (plan, start, seed);
        }

        string Rename(string c) => renamed.GetValueOrDefault(c, c);
        return (plan with
        {
            Bookings = [.. plan.Bookings.Select(b => b with { Containers = [.. b.Containers.Select(Rename)] })],
            Events = [.. plan.Events.Select(e => e.ContainerNumber is { } c && renamed.TryGetValue(c, out var to)
                ? e with { ContainerNumber = to, EventId = e.EventId.Replace(c, to, StringComparison.Ordinal) }
                : e)],
        }, start, seed);
    }
}
