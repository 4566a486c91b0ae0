using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>Three silo processes in one cluster through the PostgreSQL membership table; one is killed.</summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    private const string ClusterId = "it-cluster";

    /// <summary>What issue 3 asks of a cluster that loses a silo.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    /// <summary>Polling goes on past <see cref="Recovery"/>, so a failure says how long recovery did take.</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task After_one_of_three_silos_is_killed_the_other_two_read_and_write_every_shipment_within_30_seconds()
    {
        var seed = TestServices.Seed();
        output.WriteLine($"seed {seed}");
        var traffic = PortTraffic.Generate(new Random(seed), "CL", shipments: 12, barges: 3, vessels: 2, lateBookings: 0);
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = database,
            ["Transit:Cluster:ClusterId"] = ClusterId,
            ["Transit:Cluster:ServiceId"] = "it-transit",
        };

        var silos = new List<SiloProcess>();
        try
        {
            foreach (var started in await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SiloProcess.StartAsync(settings))))
            {
                silos.Add(started);
            }

            await Poll.UntilAsync(async () => await ActiveSilosAsync(database) == 3, TimeSpan.FromSeconds(60), "three active silos in the membership table");
            var clients = silos.Select(s => s.Client()).ToList();

            // Bookings and events spread over the three silos.
            var load = new TrafficRun(traffic.Steps);
            await load.RunAsync(clients, workers: 3);
            Assert.Empty(load.Failed.Select(f => f.Outcome.Failure));
            Assert.All(load.Answers, a => Assert.True(a.IsStored, $"{a.EventId}: {a.Status} {a.Error}"));

            await silos[0].KillAsync();
            var sinceKill = Stopwatch.StartNew();
            // Short timeouts: a call routed to the dead silo must not hold up the polling.
            var survivors = silos.Skip(1).Select(s => s.Client(timeout: TimeSpan.FromSeconds(5))).ToList();

            // Readable: every shipment, through each survivor, with everything acknowledged before the kill.
            var expected = traffic.Shipments.ToDictionary(s => s.ShipmentId, s => traffic.ExpectedTimeline(s));
            await Poll.UntilAsync(async () =>
            {
                var reads = await Task.WhenAll(survivors.Select(c => c.TimelinesAsync(expected.Keys)));
                return reads.All(timelines => timelines.All(t => t.Value is { } ids && ids.Count == expected[t.Key].Count && expected[t.Key].SetEquals(ids)));
            }, GiveUp, "every shipment readable and complete through both surviving silos");
            var readable = sinceKill.Elapsed;

            // Writable: a new event for every shipment and a new booking, through each survivor...
            var newEvents = new List<(string ShipmentId, string EventId)>();
            var newShipments = new List<string>();
            for (var s = 0; s < survivors.Count; s++)
            {
                var client = survivors[s];
                var customs = traffic.Shipments.Select(p => (p.ShipmentId, Event: Scenario.Customs(
                    $"CL-AFTER-{s}-{p.ShipmentId}", "CUSR", new NodaTime.LocalDateTime(2026, 11, 1, 12, 0).WithOffset(Scenario.China), "CNSUD", p.Containers[0])))
                    .ToList();
                var fresh = new ShipmentPlan($"CL-AFTER-{s}", [Scenario.Container(9000 + s)], traffic.Shipments[s].Barge, traffic.Shipments[s].Vessel);
                await Poll.UntilAsync(async () =>
                {
                    await client.BookAsync(fresh.Booking);
                    return (await client.PostEventsAsync(customs.Select(c => c.Event))).All(a => a.IsStored);
                }, GiveUp, $"a new booking and new events through surviving silo {s + 2}");
                newEvents.AddRange(customs.Select(c => (c.ShipmentId, c.Event.EventId)));
                newShipments.Add(fresh.ShipmentId);
            }

            var writable = sinceKill.Elapsed;

            // ...and each survivor sees what both wrote, once.
            foreach (var client in survivors)
            {
                var timelines = await client.TimelinesAsync(expected.Keys.Concat(newShipments));
                Assert.All(newShipments, id => Assert.NotNull(timelines[id]));
                Assert.All(newEvents, e => Assert.Equal(1, timelines[e.ShipmentId]!.Count(id => id == e.EventId)));
                Assert.All(timelines.Values, t => Assert.Equal(t!.Count, t.Distinct().Count()));
            }

            output.WriteLine($"{traffic.Shipments.Count} shipments, {traffic.Events.Count} events through 3 silos; silo 1 killed with SIGKILL");
            output.WriteLine($"all shipments readable through both survivors after {readable.TotalSeconds:F1} s, "
                + $"and writable (new events, new bookings) after {writable.TotalSeconds:F1} s");
            Assert.True(writable <= Recovery, $"recovery took {writable}");
        }
        catch
        {
            foreach (var (silo, i) in silos.Select((s, i) => (s, i)))
            {
                output.WriteLine($"--- silo {i + 1} ---\n{silo.Output}");
            }

            throw;
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<long> ActiveSilosAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Status = 3", connection); // 3 = SiloStatus.Active
        count.Parameters.AddWithValue("cluster", ClusterId);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
