using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TransitGrains.Api.Tests;

[CollectionDefinition(Name)]
public sealed class ConfiguredSiloCollection : ICollectionFixture<ConfiguredSiloFixture>
{
    public const string Name = "Configured silo";
}

/// <summary>
/// A second silo for what the shared one leaves at its defaults: tiny port and anonymous request budgets, /metrics
/// turned off, and OpenTelemetry sent over OTLP (HTTP/protobuf) to a stand-in collector that records what arrives.
/// </summary>
public sealed class ConfiguredSiloFixture : IAsyncLifetime
{
    private WebApplication? _collector;
    private RunningSilo? _silo;

    /// <summary>OTLP export requests the stand-in collector received, by path (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>).</summary>
    public ConcurrentDictionary<string, int> OtlpRequests { get; } = new(StringComparer.Ordinal);

    public ApiClient As(string? key) => _silo!.As(key);

    public async Task InitializeAsync()
    {
        _collector = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]).Build();
        _collector.MapPost("/v1/{signal}", (string signal, HttpRequest request) =>
        {
            if (request.ContentType == "application/x-protobuf")
            {
                OtlpRequests.AddOrUpdate($"/v1/{signal}", 1, (_, n) => n + 1);
            }

            return Results.Ok();
        });
        await _collector.StartAsync();

        _silo = await RunningSilo.Start(
            "--Transit:RateLimits:port:permitsPerSecond=1",
            "--Transit:RateLimits:port:burst=3",
            "--Transit:RateLimits:anonymous:permitsPerSecond=1",
            "--Transit:RateLimits:anonymous:burst=2",
            "--Transit:Metrics:Enabled=false",
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={RunningSilo.BaseAddressOf(_collector)}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_METRIC_EXPORT_INTERVAL=500",
            "--OTEL_BSP_SCHEDULE_DELAY=200");
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_collector is not null)
        {
            await _collector.StopAsync();
            await _collector.DisposeAsync();
        }
    }
}
