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
public sealed class ConfiguredSiloFixture : IAsyncLifetime, IDisposable
{
    private WebApplication? _collector;
    private WebApplication? _app;
    private HttpClient? _http;

    /// <summary>OTLP export requests the stand-in collector received, by path (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>).</summary>
    public ConcurrentDictionary<string, int> OtlpRequests { get; } = new(StringComparer.Ordinal);

    public ApiClient As(string? key) => new(_http!, key);

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

        _app = await TransitApiFixture.StartSilo(
            "--Transit:RateLimits:port:permitsPerSecond=1",
            "--Transit:RateLimits:port:burst=3",
            "--Transit:RateLimits:anonymous:permitsPerSecond=1",
            "--Transit:RateLimits:anonymous:burst=2",
            "--Transit:Metrics:Enabled=false",
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={TransitApiFixture.BaseAddressOf(_collector)}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_METRIC_EXPORT_INTERVAL=500",
            "--OTEL_BSP_SCHEDULE_DELAY=200",
            $"--Transit:ApiKeys:99:key={Keys.ShundePort}",
            "--Transit:ApiKeys:99:role=port",
            "--Transit:ApiKeys:99:locations:0=CNSUD",
            $"--Transit:ApiKeys:98:keyHash={Keys.HashedPortHash}",
            "--Transit:ApiKeys:98:role=port",
            "--Transit:ApiKeys:98:locations:0=*");
        _http = new HttpClient { BaseAddress = TransitApiFixture.BaseAddressOf(_app), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _app, _collector })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    public void Dispose() => _http?.Dispose();
}
