using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;
using TransitGrains.Grains;
using TransitGrains.Persistence;
using TransitGrains.PortSimulator;
using TransitGrains.TaxQueue;

namespace TransitGrains.Benchmarks;

/// <summary>
/// The managed heap an active shipment costs, weighed on a silo inside this process: GC.GetTotalMemory after full
/// collections, with N shipments of 3 containers and 20 events each journaled and snapshotted but none active, and then
/// with all N activated again (each reads its snapshot and its journal tail). The journal and the snapshots are on this
/// heap in both weighings (the in-memory profile), so the difference is what the activations alone hold. Unlike the silo
/// process's RSS, this does not move with GC compaction or heap headroom.
/// </summary>
public static class ActivationMemory
{
    private const int WarmUpShipments = 40;

    public static async Task Run(Report report, int shipments, int batchSize, int concurrency)
    {
        using var host = Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var management = grains.GetGrain<IManagementGrain>(0);

            // Warm-up: the JIT, serializer codecs, the intake's stateless workers and the management grain allocate
            // once; none of that belongs to a shipment.
            var used = new HashSet<string>(StringComparer.Ordinal);
            await Load(grains, WarmUpShipments, used, "W", seed: 3, batchSize, concurrency);
            var measured = await Load(grains, shipments, used, "M", seed: 7, batchSize, concurrency);
            await management.ForceActivationCollection(TimeSpan.Zero);
            var idle = await Weigh(management);

            await Parallel.ForEachAsync(measured, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (id, _) =>
            {
                if (await grains.GetGrain<IShipmentGrain>(id).GetView(includeTimeline: false) is null)
                {
                    throw new InvalidOperationException($"shipment {id} activated without its booking");
                }
            });
            var active = await Weigh(management);

            var created = active.Activations.Minus(idle.Activations);
            var perShipment = (active.Heap - idle.Heap) / (double)shipments;
            report.Add("managed heap per active shipment (20 events, in-process silo)", Targets.Memory, perShipment / 1024, $"{perShipment / 1024:F1} KiB",
                $"(the shipment grain with its state folded from snapshot and journal; containers are journal rows, not grains; N={shipments})");
            report.Add("  activations created by activating those N shipments",
                string.Join(", ", created.OrderByDescending(c => c.Value).Select(c => $"{c.Value} {c.Key}")));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost Build()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // Empty configuration: no refund policies and no tax queue (triggers go to the log). The measured shipments carry
        // no export declaration, so neither the policies nor the publisher touch them.
        var configuration = new ConfigurationBuilder().Build();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next());
            silo.UseTransitMemory(StorageNames.Transit);
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IHostLifetime, InProcessHostLifetime>();
        builder.Services.AddTransitGrains(configuration);
        builder.Services.AddTaxRefundQueue(configuration);
        return builder.Build();
    }

    /// <summary>
    /// Books <paramref name="count"/> of the RSS figure's shipments and sends their 20 events each; every one must be
    /// accepted. Answers the shipments' ids.
    /// </summary>
    private static async Task<IReadOnlyList<string>> Load(IGrainFactory grains, int count, HashSet<string> used, string tag, int seed, int batchSize, int concurrency)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var (bookings, events) = new Workloads(used, now, tag, seed).MemoryShipments(count);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency };
        await Parallel.ForEachAsync(bookings, parallel, async (wire, _) =>
        {
            var booking = ToDomain(wire);
            var result = await grains.GetGrain<IShipmentGrain>(booking.ShipmentId).Book(booking);
            if (result.Outcome != BookingOutcome.Created)
            {
                throw new InvalidOperationException($"booking {booking.ShipmentId}: {result.Outcome} {result.Detail}");
            }
        });

        var accepted = 0;
        await Parallel.ForEachAsync(events.Chunk(batchSize), parallel, async (batch, _) =>
        {
            var outcomes = await grains.GetGrain<IEventIntakeGrain>(0).Submit(batch.Select(e => ToDomain(e, now)).ToList());
            Interlocked.Add(ref accepted, outcomes.Count(o => o == EventOutcome.ACCEPTED));
        });
        if (accepted != events.Count)
        {
            throw new InvalidOperationException($"{accepted} of {events.Count} events accepted");
        }

        return bookings.Select(b => b.ShipmentId).ToList();
    }

    private static ShipmentBooking ToDomain(Booking wire)
    {
        var request = new BookingRequest(wire.ShipmentId, wire.Containers.ToList(), wire.TradeMode,
            wire.ExportDeclaration is { } d ? new ExportDeclarationRequest(d.Number, d.ExporterTaxId, d.DangerousGoods) : null,
            wire.Legs.Select(l => new LegRequest(l.Mode, l.ConveyanceId, l.From, l.To, Text(l.PlannedDeparture), Text(l.PlannedArrival))).ToList());
        return Valid(BookingValidator.Validate(request, wire.Forwarder ?? "FWD-DEMO"));
    }

    private static TransitEvent ToDomain(PortEvent e, Instant now) =>
        Valid(EventValidator.Validate(new EventSubmission(e.EventId, e.EventType, e.EventCode, e.Classifier, Text(e.EventDateTime),
            e.Location, e.Facility, e.ModeOfTransport, e.ConveyanceId, e.ContainerNumber, e.DeclarationNumber), now));

    private static string? Text(OffsetDateTime? time) => time is { } t ? TimeText.Format(t) : null;

    private static T Valid<T>(Validated<T> validated) where T : class =>
        validated.IsValid ? validated.Value! : throw new InvalidOperationException(validated.Errors.ToString());

    private static async Task<Weight> Weigh(IManagementGrain management)
    {
        // Lets one-way calls and timers that the last answers started finish before the heap is read.
        await Task.Delay(500);
        var statistics = await management.GetSimpleGrainStatistics();
        var activations = statistics.GroupBy(s => s.GrainType).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return new Weight(GC.GetTotalMemory(forceFullCollection: true), activations);
    }

    private sealed record Weight(long Heap, Dictionary<string, int> Activations);

    private static Dictionary<string, int> Minus(this Dictionary<string, int> after, Dictionary<string, int> before) =>
        after.Select(a => (a.Key, Count: a.Value - before.GetValueOrDefault(a.Key)))
            .Where(a => a.Count != 0)
            .ToDictionary(a => Short(a.Key), a => a.Count);

    /// <summary>"TransitGrains.Grains.ShipmentGrain,TransitGrains.Grains" -> "ShipmentGrain".</summary>
    private static string Short(string grainType)
    {
        var name = grainType.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
