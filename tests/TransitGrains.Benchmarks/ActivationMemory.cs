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
/// collections, before and after activating N shipments of 3 containers with 20 events each (the RSS figure's load).
/// Unlike the silo process's RSS, this does not move with GC compaction or heap headroom.
/// </summary>
/// <remarks>
/// Only what the durable silo itself would hold is weighed. Grain storage is <see cref="SizeRecordingStorage"/>, not the
/// in-memory storage, whose copy of every state would sit on this heap (PostgreSQL holds it in the durable profile); the
/// event-id ledger is <see cref="ForgetfulLedger"/>, not one EventIdGrain per id (PostgreSQL again). Everything the
/// load sends is built during the measured pass, as the silo would deserialize it from HTTP, so what the grains keep of
/// it is counted and the rest is collected.
/// </remarks>
public static class ActivationMemory
{
    private const int WarmUpShipments = 40;

    // A container owner code the simulator never draws: the containers weighed alone cannot meet a booked one.
    private const string AloneOwner = "BNCU";

    public static async Task Run(Report report, int shipments, int batchSize, int concurrency)
    {
        var storage = new SizeRecordingStorage(capacity: 8 * (shipments + WarmUpShipments));
        using var host = Build(storage);
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var management = grains.GetGrain<IManagementGrain>(0);

            // Warm-up: the JIT, serializer codecs, the intake's stateless workers and the management grain allocate
            // once; none of that belongs to a shipment.
            var warmUsed = new HashSet<string>(StringComparer.Ordinal);
            await Load(grains, WarmUpShipments, warmUsed, "W", seed: 3, batchSize, concurrency);
            await ClaimAlone(grains, WarmUpShipments, offset: 0, concurrency);
            var start = await Weigh(management);

            // Seeded with the warm-up's containers (no booking may meet an active one), built inside the pass.
            await Load(grains, shipments, new HashSet<string>(warmUsed), "M", seed: 7, batchSize, concurrency);
            var loaded = await Weigh(management);
            storage.Snapshot(out var stateBytes, out var stateCounts);

            await ClaimAlone(grains, shipments, offset: WarmUpShipments, concurrency);
            var alone = await Weigh(management);

            var created = loaded.Activations.Minus(start.Activations);
            var withContainers = (loaded.Heap - start.Heap) / (double)shipments;
            var containers = (alone.Heap - loaded.Heap) / (double)shipments;
            report.Add("managed heap per active shipment (20 events, in-process silo)", Targets.Memory, withContainers / 1024, $"{withContainers / 1024:F1} KiB",
                $"(shipment grain with its state, its 3 container grains and its share of the conveyances; N={shipments})");
            report.Add("  of which the shipment grain and its conveyance share",
                $"{(withContainers - containers) / 1024:F1} KiB (the 3 containers, weighed alone with the same claimed state: {containers / 1024:F1} KiB)");
            report.Add("  activations created by those N shipments",
                string.Join(", ", created.OrderByDescending(c => c.Value).Select(c => $"{c.Value} {c.Key}")));
            report.Add("  stored state per activation (binary serializer)",
                string.Join(", ", stateBytes.OrderByDescending(b => b.Value).Select(b =>
                    $"{b.Key} {b.Value / (double)stateCounts[b.Key]:F0} B (x{stateCounts[b.Key]})")));
            report.Add("  event ids and grain storage",
                "claimed by a ledger that keeps nothing, states serialized and not kept: both live in PostgreSQL in the durable profile");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost Build(SizeRecordingStorage storage)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // Empty configuration: no refund policies and no tax queue (triggers go to the log). The measured shipments carry
        // no export declaration, so neither the policies nor the publisher touch them.
        var configuration = new ConfigurationBuilder().Build();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next());
            silo.UseInMemoryReminderService();
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Transit, (services, _) =>
                storage.Using(GrainStateSerialization.Binary(services.GetRequiredService<Serializer>())));
            silo.Services.AddSingleton<IWakeUpSchedule>(storage);
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IHostLifetime, InProcessHostLifetime>();
        // Before AddTransitGrains, whose default ledger is only a TryAdd.
        builder.Services.AddSingleton<IEventIdLedger, ForgetfulLedger>();
        builder.Services.AddTransitGrains(configuration);
        builder.Services.AddTaxRefundQueue(configuration);
        return builder.Build();
    }

    /// <summary>Books <paramref name="count"/> of the RSS figure's shipments and sends their 20 events each; every one must be accepted.</summary>
    private static async Task Load(IGrainFactory grains, int count, HashSet<string> used, string tag, int seed, int batchSize, int concurrency)
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
    }

    /// <summary>
    /// Container grains as a booked shipment leaves them (claimed, nothing kept), without the shipment: 3 per shipment,
    /// one shipment id string shared by each 3, numbered from <paramref name="offset"/>.
    /// </summary>
    private static async Task ClaimAlone(IGrainFactory grains, int shipments, int offset, int concurrency)
    {
        await Parallel.ForEachAsync(Enumerable.Range(offset, shipments), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (s, _) =>
        {
            var shipmentId = $"BA-{s:D5}";
            for (var c = 0; c < 3; c++)
            {
                var firstTen = $"{AloneOwner}{3 * s + c:D6}";
                var claim = await grains.GetGrain<IContainerGrain>(firstTen + ContainerNumber.CheckDigit(firstTen)).Claim(shipmentId);
                if (claim.ConflictingShipmentId is not null)
                {
                    throw new InvalidOperationException($"container {firstTen} is on {claim.ConflictingShipmentId}");
                }
            }
        });
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

    /// <summary>
    /// Every id is claimed as new and nothing is kept: the durable profile's claims live in PostgreSQL, not on the
    /// silo's heap. Right only for a load without repeated ids, which <see cref="Load"/> checks (every event accepted).
    /// </summary>
    private sealed class ForgetfulLedger : IEventIdLedger
    {
        public Task<IReadOnlyList<EventClaim>> Claim(IReadOnlyList<TransitEvent> reported) =>
            Task.FromResult<IReadOnlyList<EventClaim>>(reported.Select(e => new EventClaim(e, IsFirst: true)).ToList());
    }

    /// <summary>
    /// Grain storage that serializes each write as the durable profile does (the same binary serializer) and keeps only
    /// its size, so stored copies are not weighed with the activations. It cannot read a state back: an activation that
    /// was collected and comes back fails loudly instead of starting empty.
    /// </summary>
    /// <summary>Keeps only each state's size; it has no wake-up times either (the measured shipments carry no refund).</summary>
    private sealed class SizeRecordingStorage(int capacity) : IGrainStorage, IWakeUpSchedule
    {
        // Sized up front, so recording a size allocates nothing inside a measured pass.
        private readonly Dictionary<GrainId, (string StateName, int Bytes)> _sizes = new(capacity);
        private IGrainStorageSerializer? _serializer;

        public SizeRecordingStorage Using(IGrainStorageSerializer serializer)
        {
            _serializer = serializer;
            return this;
        }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (_sizes)
            {
                if (_sizes.ContainsKey(grainId))
                {
                    throw new InvalidOperationException($"{grainId} was deactivated during the measurement and cannot be read back");
                }
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<GrainId>> DueAsync(Instant now, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<GrainId>>([]);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var bytes = _serializer!.Serialize(grainState.State).ToMemory().Length;
            lock (_sizes)
            {
                _sizes[grainId] = (stateName, bytes);
            }

            grainState.ETag = "1";
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (_sizes)
            {
                _sizes.Remove(grainId);
            }

            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        /// <summary>The latest stored size summed by state name, and how many grains of each.</summary>
        public void Snapshot(out Dictionary<string, long> bytes, out Dictionary<string, int> counts)
        {
            lock (_sizes)
            {
                bytes = _sizes.Values.GroupBy(v => v.StateName).ToDictionary(g => g.Key, g => g.Sum(v => (long)v.Bytes));
                counts = _sizes.Values.GroupBy(v => v.StateName).ToDictionary(g => g.Key, g => g.Count());
            }
        }
    }
}
