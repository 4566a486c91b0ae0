using System.Net;
using System.Net.Sockets;
using Npgsql;
using NodaTime;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Outbox;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;
using TransitGrains.Grains;
using TransitGrains.Persistence;

namespace TransitGrains.Silo;

/// <summary>
/// The step of <c>migrate</c> that turns what the releases before the journal stored (whole grain states in
/// <c>transit_grain_state</c>, claimed ids in <c>transit_event_ids</c>) into the journal and grain snapshots. The stored
/// bookings, cancellations and events are journaled again in the order they happened, through the journal itself, so
/// each stream gets exactly what the journal's routing gives it; then each shipment's derived state (its ETA history,
/// its tax triggers as delivered, its pending notifications, its status) is journaled as a decision that covers every one
/// of its events, so nothing is decided, published or notified a second time. Subscriptions move to the grain storage as
/// they are. The old rows are deleted once converted, in the end, so running the step again converts nothing twice; a run
/// that stopped half way is run again whole, and the journal answers what it already holds as duplicates.
/// </summary>
internal static class EarlierStateMigration
{
    private const int EventsPerBatch = 256;

    public static async Task<int> RunAsync(string connectionString, ClusterSettings cluster, ILogger logger)
    {
        var rows = await ReadRowsAsync(connectionString, cluster.ServiceId);
        if (rows.States.Count == 0 && rows.Events.Count == 0)
        {
            return 0;
        }

        // A silo of its own cluster, with no grains of ours called: only the journal and the grain storage are used.
        using var host = new HostBuilder()
            .UseOrleans(silo => silo
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId + "-migrate";
                    o.ServiceId = cluster.ServiceId;
                })
                .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort())
                .UseTransitPostgres(connectionString, StorageNames.Transit))
            .Build();
        await host.StartAsync();
        try
        {
            var serializer = host.Services.GetRequiredService<Serializer>();
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Transit);
            var journal = host.Services.GetRequiredService<IJournal>();
            var shipments = new Dictionary<string, EarlierShipment>(StringComparer.Ordinal);
            foreach (var (grainId, stateName, payload) in rows.States)
            {
                switch (stateName)
                {
                    case "shipment" when serializer.Deserialize<EarlierShipment>(payload) is { Booking: not null } shipment:
                        shipments[shipment.Booking.ShipmentId] = shipment;
                        break;
                    case "subscription":
                        await CopyAsync(storage, stateName, grainId, serializer.Deserialize<SubscriptionState>(payload));
                        break;
                    case "subscriptions":
                        await CopyAsync(storage, stateName, grainId, serializer.Deserialize<SubscriptionRegistryState>(payload));
                        break;
                }

                // Containers and conveyances are not copied: the journal rebuilds them from the bookings and events.
            }

            var events = rows.Events.Select(payload => serializer.Deserialize<TransitEvent>(payload)!).ToList();
            await new Replay(journal, shipments, logger).RunAsync(events);
            await DeleteRowsAsync(connectionString, cluster.ServiceId);
            logger.LogInformation(
                "Converted {Shipments} shipments, {Events} events and {States} stored states into the journal and grain snapshots.",
                shipments.Count, events.Count, rows.States.Count);
            return rows.States.Count;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task CopyAsync<T>(IGrainStorage storage, string stateName, string grainId, T? state)
    {
        var id = GrainId.Parse(grainId);
        var stored = new GrainState<T>();
        await storage.ReadStateAsync(stateName, id, stored);
        stored.State = state!;
        await storage.WriteStateAsync(stateName, id, stored);
    }

    private static async Task<(List<(string GrainId, string StateName, byte[] Payload)> States, List<byte[]> Events)> ReadRowsAsync(
        string connectionString, string serviceId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var states = new List<(string, string, byte[])>();
        await using (var command = new NpgsqlCommand(
            "SELECT grain_id, state_name, payload FROM transit_grain_state WHERE service_id = $1 ORDER BY grain_id", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                states.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2)));
            }
        }

        var events = new List<byte[]>();
        await using (var command = new NpgsqlCommand("SELECT first_event FROM transit_event_ids WHERE service_id = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                events.Add(reader.GetFieldValue<byte[]>(0));
            }
        }

        return (states, events);
    }

    private static async Task DeleteRowsAsync(string connectionString, string serviceId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var table in new[] { "transit_grain_state", "transit_event_ids" })
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"DELETE FROM {table} WHERE service_id = $1")
            {
                Parameters = { new NpgsqlParameter<string> { TypedValue = serviceId } },
            });
        }

        // One implicit transaction: both tables are emptied, or neither.
        await batch.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Bookings, cancellations and events journaled in the order they happened, then each shipment's decisions.</summary>
    private sealed class Replay(IJournal journal, IReadOnlyDictionary<string, EarlierShipment> shipments, ILogger logger)
    {
        private readonly HashSet<string> _settled = new(StringComparer.Ordinal);

        public async Task RunAsync(IReadOnlyList<TransitEvent> events)
        {
            var happenings = shipments.Values
                .Select(s => (At: s.BookedAt, Order: 0, Shipment: s, Event: (TransitEvent?)null))
                .Concat(shipments.Values.Where(s => s.CancelledAt is not null)
                    .Select(s => (At: s.CancelledAt!.Value, Order: 2, Shipment: s, Event: (TransitEvent?)null)))
                .Concat(events.Select(e => (At: e.ReceivedAt, Order: 1, Shipment: (EarlierShipment?)null, Event: (TransitEvent?)e))!)
                .OrderBy(h => h.At)
                .ThenBy(h => h.Order)
                .ToList();

            var batch = new List<TransitEvent>(EventsPerBatch);
            foreach (var (_, order, shipment, e) in happenings)
            {
                if (e is not null)
                {
                    batch.Add(e);
                    if (batch.Count == EventsPerBatch)
                    {
                        await RecordAsync(batch);
                    }

                    continue;
                }

                await RecordAsync(batch);
                if (order == 0)
                {
                    await BookAsync(shipment!);
                }
                else
                {
                    await journal.CancelAsync(new CancelShipment(
                        shipment!.Booking!,
                        new ShipmentCancelled(shipment.CancelledAt!.Value),
                        new ShipmentDecided([], null, [], [], shipment.NotificationsMade, ShipmentStatus.CANCELLED),
                        null));
                }
            }

            await RecordAsync(batch);
            foreach (var shipment in shipments.Values)
            {
                await SettleAsync(shipment, final: true);
            }
        }

        private async Task RecordAsync(List<TransitEvent> batch)
        {
            if (batch.Count > 0)
            {
                await journal.RecordAsync(new RecordEvents([.. batch]));
                batch.Clear();
            }
        }

        private async Task BookAsync(EarlierShipment shipment)
        {
            var booking = shipment.Booking!;
            var booked = new ShipmentBooked(booking, shipment.BookedAt,
                shipment.EtaHistory.FirstOrDefault() ?? new EtaChange(shipment.BookedAt, null, "booked"));
            var result = await journal.BookAsync(new BookShipment(booked));
            if (result.HeldBy is { } holder && shipments.TryGetValue(holder, out var earlier) && !_settled.Contains(holder))
            {
                // The container's earlier shipment was done by then (or this booking could not have been made): it is
                // settled first, with the status that frees its containers.
                await SettleAsync(earlier, final: false);
                result = await journal.BookAsync(new BookShipment(booked));
            }

            if (result.Container is { } container)
            {
                logger.LogWarning("Shipment {ShipmentId} not converted: its container {Container} is still on {HeldBy}.",
                    booking.ShipmentId, container, result.HeldBy);
            }
        }

        /// <summary>
        /// Journals the shipment's derived state as decisions covering all of its events. One settled early (its container
        /// was booked again) gets, in the end, a decision covering the events that reached it after that.
        /// </summary>
        private async Task SettleAsync(EarlierShipment shipment, bool final)
        {
            var shipmentId = shipment.Booking!.ShipmentId;
            var status = shipment.CancelledAt is not null ? ShipmentStatus.CANCELLED : shipment.Listing?.Status ?? ShipmentStatus.BOOKED;
            if (!_settled.Add(shipmentId))
            {
                if (final)
                {
                    var all = new ShipmentDecided([.. shipment.Events.Select(e => e.EventId)], null, [], [], shipment.NotificationsMade, status);
                    await journal.DecideAsync(new RecordDecision(shipmentId, all, null, null));
                }

                return;
            }

            foreach (var eta in shipment.EtaHistory.Skip(1).SkipLast(1))
            {
                await journal.DecideAsync(new RecordDecision(shipmentId, new ShipmentDecided([], eta, [], [], 0, status), null, null));
            }

            var covers = shipment.Events.Select(e => e.EventId).ToList();
            // Woken once by the first silo that runs: it resumes the outbox and checks the refund deadline.
            var wakeUp = new WakeUp(SystemClock.Instance.GetCurrentInstant(), null);
            await journal.DecideAsync(new RecordDecision(
                shipmentId,
                new ShipmentDecided(covers, shipment.EtaHistory.Count > 1 ? shipment.EtaHistory[^1] : null,
                    shipment.Outbox, shipment.Notifications, shipment.NotificationsMade, status),
                status,
                wakeUp));
        }
    }
}

/// <summary>The shipment's state as the releases before the journal stored it whole (the fields read here; the rest are skipped).</summary>
[GenerateSerializer]
internal sealed class EarlierShipment
{
    [Id(0)] public ShipmentBooking? Booking { get; set; }
    [Id(1)] public Instant BookedAt { get; set; }
    [Id(2)] public Instant? CancelledAt { get; set; }
    [Id(3)] public List<TransitEvent> Events { get; set; } = [];
    [Id(4)] public List<OutboxEntry> Outbox { get; set; } = [];
    [Id(5)] public List<EtaChange> EtaHistory { get; set; } = [];
    [Id(7)] public EarlierListing? Listing { get; set; }
    [Id(20)] public List<NotificationEntry> Notifications { get; set; } = [];
    [Id(21)] public long NotificationsMade { get; set; }
}

[GenerateSerializer]
internal sealed record EarlierListing(
    [property: Id(0)] string Forwarder,
    [property: Id(1)] ShipmentStatus Status,
    [property: Id(2)] Instant BookedAt);
