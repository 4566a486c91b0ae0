using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace TransitGrains.Persistence.Tests;

/// <summary>A real silo in this process, on its own ports, with everything on PostgreSQL.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host, int siloPort, int gatewayPort)
    {
        _host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    public static async Task<TestSilo> StartAsync(string connectionString, string clusterId, Action<ISiloBuilder>? configure = null)
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = clusterId;
                        o.ServiceId = "transit-tests";
                    })
                    .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort)
                    .UseTransitPostgres(connectionString);
                configure?.Invoke(silo);
            })
            .Build();
        await host.StartAsync();
        return new TestSilo(host, siloPort, gatewayPort);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
