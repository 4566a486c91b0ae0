using TransitGrains.PortSimulator;

namespace TransitGrains.Benchmarks;

/// <summary>
/// The write path's own figures: a plain equipment load (what pgbench's single-row rate is set against) and the
/// activation of shipments whose journal tail after the snapshot is long.
/// </summary>
public static class WritePath
{
    /// <summary>Batches of the plain equipment load: 100 events, <see cref="Settings.Concurrency"/> in flight.</summary>
    public const int EquipmentBatchSize = 100;

    private const int TailShipments = 20;
    private const int TailEvents = 1000;

    /// <summary>Large enough that no shipment of the activation phase writes a snapshot while its events arrive.</summary>
    private const string NoShipmentSnapshots = "--Transit:Journal:ShipmentSnapshotEvery=1000000";

    /// <summary>Books the equipment load's shipments, then sends its moves flat out with the flat-out figures and costs.</summary>
    public static async Task<FlatOutResult> EquipmentIngest(Report report, ChildProcess silo, TransitApi api, Workloads workloads, Settings s, string database)
    {
        var (bookings, events) = workloads.EquipmentMoves(s.EquipmentShipments);
        var refused = await EndToEnd.Book([api], bookings, s.Concurrency, new Samples("equipment booking"));
        if (refused > 0)
        {
            throw new InvalidOperationException($"{refused} bookings of the equipment load refused");
        }

        return await EndToEnd.FlatOut(report, [silo], [api], new Load("equipment moves", bookings, events), InOrder(events), s, database, target: null);
    }

    /// <summary>
    /// Shipments with <see cref="TailEvents"/> events each, journaled by a silo that takes no shipment snapshots and is
    /// then SIGKILLed (so none is written on deactivation either); a second silo activates each with the first GET.
    /// That GET against the next one of the same shipment is the activation's cost.
    /// </summary>
    public static async Task ActivationFromTail(Report report, Settings s, Workloads workloads)
    {
        var database = await EndToEnd.FreshDatabase(s.Postgres, "transit_activation");
        await EndToEnd.Migrate(s, database);
        // One more than measured: the first GET after start-up also compiles the whole read path.
        var (bookings, events) = workloads.LongHistories(TailShipments + 1, TailEvents);
        await using (var writer = await EndToEnd.StartSilo(s, database, "tax-refund-triggers-activation", NoShipmentSnapshots))
        {
            using var api = new TransitApi(writer.BaseAddress, EndToEnd.AdminKey, connections: s.Concurrency * 2);
            await EndToEnd.Book([api], bookings, s.Concurrency, new Samples("booking"));
            var written = await EndToEnd.Ingest([api], InOrder(events), s.Concurrency, TimeSpan.FromMinutes(5), new Samples("batch ack"));
            if (written.Accepted != events.Count)
            {
                throw new InvalidOperationException($"{written.Accepted} of {events.Count} events accepted ({written.Duplicate} duplicate, {written.Rejected} rejected)");
            }

            writer.Kill();
        }

        await using var reader = await EndToEnd.StartSilo(s, database, "tax-refund-triggers-activation", NoShipmentSnapshots);
        using var fresh = new TransitApi(reader.BaseAddress, EndToEnd.AdminKey);
        var first = new Samples("first GET");
        var next = new Samples("next GET");
        _ = await fresh.Shipment(bookings[0].ShipmentId, CancellationToken.None);
        foreach (var booking in bookings.Skip(1))
        {
            var activated = await first.Time(() => fresh.Shipment(booking.ShipmentId, CancellationToken.None));
            if (activated?.Containers.Count != 10)
            {
                throw new InvalidOperationException($"shipment {booking.ShipmentId} did not come back with its 10 containers");
            }

            await next.Time(() => fresh.Shipment(booking.ShipmentId, CancellationToken.None));
        }

        report.Add($"first GET of a shipment with {TailEvents} events after its snapshot (activation)", Targets.ActivationTail, first.Percentile(99),
            $"p99 {first.Percentile(99):F1} ms", $"(p50 {first.Percentile(50):F1} ms; the next GET of the same shipment p50 {next.Percentile(50):F1} ms, p99 {next.Percentile(99):F1} ms; n={first.Count})");
    }

    /// <summary>The events in batches of <see cref="EquipmentBatchSize"/>, in order, none repeated.</summary>
    private static IReadOnlyList<IReadOnlyList<PortEvent>> InOrder(IReadOnlyList<PortEvent> events) =>
        Delivery.Batches(events, new DeliveryOptions(EquipmentBatchSize));
}
