using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using NodaTime;
using TransitGrains.ForwarderCli;
using TransitGrains.PortSimulator;
using TransitGrains.Silo;

namespace TransitGrains.Scenarios.Tests;

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<TransitSilo>
{
    public const string Name = "TransitGrains silo";
}

/// <summary>
/// The silo and API exactly as the program builds them, in Development (its keys), embedded storage, on free
/// ports; one for all tests, which use ids of their own.
/// </summary>
public sealed class TransitSilo : IAsyncLifetime
{
    public const string AdminKey = "dev-admin-key";
    public const string ForwarderKey = "dev-forwarder-key";
    public const string PortKey = "dev-port-key";
    public const string Forwarder = "FWD-DEMO";

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Books for <see cref="Forwarder"/>, reports everywhere, reads everything.</summary>
    public TransitApi Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (silo, gateway) = FreePorts();
        _app = SiloHost.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--environment=Development",
            // appsettings*.json (dev keys, refund policies) are copied next to the tests, not into the working directory.
            $"--contentRoot={AppContext.BaseDirectory}",
            "--applicationName=TransitGrains.Silo",
            $"--Transit:Cluster:SiloPort={silo}",
            $"--Transit:Cluster:GatewayPort={gateway}",
            $"--Transit:Cluster:ClusterId=scenarios-{Guid.NewGuid():N}",
            "--ConnectionStrings:Transit=",
            "--ConnectionStrings:TaxQueue=",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal)));
        Admin = new TransitApi(BaseAddress, AdminKey);
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Runs the forwarder CLI against this silo with the development forwarder key; answers its exit code and output.</summary>
    internal async Task<(int Code, string Output)> Cli(WatchedOutput output, params string[] args)
    {
        var code = await ForwarderCommands.Build()
            .Parse([.. args, "--url", BaseAddress.ToString(), "--api-key", ForwarderKey])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return (code, output.Text);
    }

    /// <summary>Runs a plan with the simulator's runner (quietly) for <see cref="Forwarder"/>.</summary>
    public Task<RunReport> Run(SimulationPlan plan, DeliveryOptions delivery) =>
        new SimulationRunner(Admin, Progress.None).Run(plan, delivery, Forwarder, CancellationToken.None);

    /// <summary>Reports events one batch at a time and expects each one ACCEPTED.</summary>
    public async Task Report(params PortEvent[] events)
    {
        var (results, _) = await Admin.Report(events, CancellationToken.None);
        Assert.All(results, r => Assert.True(r.Status == "ACCEPTED", $"{r.EventId}: {r.Status} {r.Error}"));
    }

    public async Task<ShipmentState> Shipment(string shipmentId) =>
        await Admin.Shipment(shipmentId, CancellationToken.None) ?? throw new InvalidOperationException($"no shipment {shipmentId}");

    public async Task Book(Booking booking)
    {
        var (status, problem) = await Admin.Book(booking with { Forwarder = Forwarder }, CancellationToken.None);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {problem}");
    }

    /// <summary>The real clock: ACT events may not lie ahead of it, and refund deadlines are judged against it.</summary>
    public static Instant Now => SystemClock.Instance.GetCurrentInstant();

    private static (int, int) FreePorts()
    {
        // Both listeners stay open until both ports are chosen, so the ports differ.
        using var a = new TcpListener(IPAddress.Loopback, 0);
        using var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        var ports = (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
        a.Stop();
        b.Stop();
        return ports;
    }
}

/// <summary>Ids that no other test uses: the tests share one silo.</summary>
public static class Unique
{
    private static readonly Random Random = new(20201130);
    private static readonly HashSet<string> Used = [];
    private static int _counter;

    public static string Id(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter):D4}";

    public static string Container()
    {
        lock (Used)
        {
            return ContainerNumbers.Next(Random, Used);
        }
    }
}
