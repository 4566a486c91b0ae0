using System.Diagnostics;
using TransitGrains.Domain.Edifact;
using TransitGrains.PortSimulator;
using Interchange = TransitGrains.Edifact.Interchange;

namespace TransitGrains.Benchmarks;

/// <summary>
/// Terminals' EDI (api.md 1.2): a realistic day's container moves (gate-ins, gate-outs, loadings, discharges) on
/// shipments booked first, sent flat out to <c>POST /api/v1/edifact</c> as interchanges of 200 EQD groups, as the port
/// simulator's <c>--format edifact</c> writes them (CODECO and COARRI, one message per move kind, place and conveyance).
/// Target: 5,000 events/s on the durable profile. Beside it, the parsing cost alone (the syntax read and the mapping to
/// events, in this process, per event) and another day's moves sent as JSON batches of the same size, for the ratio.
/// </summary>
public static class EdifactIngest
{
    public const int GroupsPerInterchange = 200;

    public static async Task Run(Report report, TransitApi api, RealisticDays days, Settings s)
    {
        // EDIFACT first, so that the warm-up (JIT, connections, activations) counts against it, not against JSON.
        var (edifact, batches) = await Send(report, api, days, s, WireFormat.Edifact, "interchanges");
        report.Add("EDIFACT parsing alone (syntax + CODECO/COARRI mapping)", $"{ParseCost(batches):F1} µs per event (best of 5 passes, one core)");
        report.Add("POST /api/v1/edifact, 200 EQD groups an interchange", Targets.EdifactIngest, edifact.EventsPerSecond,
            $"{edifact.EventsPerSecond:F0} events/s", EndToEnd.Describe(edifact, withRate: false));
        var (json, _) = await Send(report, api, days, s, WireFormat.Json, "JSON batches");
        report.Add("the same kind of day's moves as JSON batches of 200", EndToEnd.Describe(json));
        report.Add("EDIFACT / JSON, events/s", $"{edifact.EventsPerSecond / json.EventsPerSecond:F2}");
    }

    /// <summary>A fresh day: its shipments booked, then its container moves sent flat out in batches of <see cref="GroupsPerInterchange"/>.</summary>
    private static async Task<(IngestResult Result, IReadOnlyList<IReadOnlyList<PortEvent>> Batches)> Send(
        Report report, TransitApi api, RealisticDays days, Settings s, WireFormat format, string what)
    {
        var load = days.Days(1);
        var moves = load.Events.Where(TerminalEdi.IsContainerMove).ToList();
        var batches = moves.Chunk(GroupsPerInterchange).Select(b => (IReadOnlyList<PortEvent>)b).ToList();
        report.Add($"{format} load: {load.Name}", $"{load.Bookings.Count} shipments booked, {moves.Count} container moves in {batches.Count} {what} "
            + $"of up to {GroupsPerInterchange}, {s.Concurrency} in flight");
        await EndToEnd.Book([api], load.Bookings, s.Concurrency, new Samples($"{format} booking"));
        var latency = new Samples($"{format} ack");
        var result = await EndToEnd.Ingest([api], batches, s.Concurrency, TimeSpan.FromSeconds(s.IngestSeconds), latency, format);
        report.Add($"{format}: ack latency of {GroupsPerInterchange} events durable", latency.ToString());
        EndToEnd.RequireNoneRejected(report, $"{format} ingest", result);
        return (result, batches);
    }

    /// <summary>This phase alone: a fresh database of its own, migrated, and one silo of the durable profile.</summary>
    public static async Task Alone(Report report, Settings s)
    {
        report.Section($"Machine: {Environment.ProcessorCount} cores, load average at start {EndToEnd.LoadAverage()}");
        var database = await EndToEnd.FreshDatabase(s.Postgres, "edifact");
        await EndToEnd.Migrate(s, database);
        await using var silo = await EndToEnd.StartSilo(s, database);
        using var api = new TransitApi(silo.BaseAddress, EndToEnd.AdminKey, connections: s.Concurrency * 2);
        report.Section("TransitGrains, durable profile: 1 silo, terminals' EDI");
        await Run(report, api, new RealisticDays(NodaTime.SystemClock.Instance.GetCurrentInstant(), s.Scale), s);
        report.Section($"Load average at the end {EndToEnd.LoadAverage()}");
    }

    /// <summary>Microseconds per event to read the interchanges and map them to events: the best of several passes, after a warm-up.</summary>
    private static double ParseCost(IReadOnlyList<IReadOnlyList<PortEvent>> batches)
    {
        var texts = batches.Select(b => TerminalEdi.Interchange(b).Text).ToList();
        var events = batches.Sum(b => b.Count);
        var best = double.MaxValue;
        for (var pass = 0; pass < 6; pass++)
        {
            var clock = Stopwatch.StartNew();
            var read = texts.Sum(t => ContainerMoveReports.Read(Interchange.Read(t)).Sum(r => r.Moves.Count));
            if (read != events)
            {
                throw new InvalidOperationException($"the interchanges held {read} moves, not {events}");
            }

            if (pass > 0)
            {
                best = Math.Min(best, clock.Elapsed.TotalMicroseconds / events);
            }
        }

        return best;
    }
}
