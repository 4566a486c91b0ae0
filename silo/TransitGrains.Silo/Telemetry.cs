using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using TransitGrains.Abstractions;
using TransitGrains.Persistence;

namespace TransitGrains.Silo;

/// <summary>
/// OpenTelemetry (api.md 1.1 "Operations"): metrics of our own meter, Orleans, ASP.NET Core (with its rate limiter)
/// and Npgsql, scraped as Prometheus text at <c>/metrics</c> unless <c>Transit:Metrics:Enabled</c> is false; traces of
/// HTTP requests, grain calls, the journal's group commits and PostgreSQL commands; both sent to an OTLP collector when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without a collector no trace is recorded, which keeps the hot path free of it.
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string OrleansMeter = "Microsoft.Orleans";
    private const string RuntimeMeter = "System.Runtime";

    public static bool MetricsEnabled(IConfiguration configuration) => configuration.GetValue("Transit:Metrics:Enabled", true);

    public static void AddTransitTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var metrics = MetricsEnabled(configuration);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        if (!metrics && !otlp)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("TransitGrains", serviceInstanceId: Environment.MachineName))
            .WithMetrics(meters =>
            {
                meters.AddMeter(TransitMetrics.Meter.Name, OrleansMeter, RuntimeMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (metrics)
                {
                    meters.AddPrometheusExporter();
                }
            });
        if (otlp)
        {
            telemetry
                .WithTracing(traces => traces
                    .AddSource(ActivitySources.AllActivitySourceName, TransitTracing.Source.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddNpgsql())
                .UseOtlpExporter();
        }
    }

    public static void MapTransitMetrics(this WebApplication app)
    {
        if (MetricsEnabled(app.Configuration))
        {
            // Scrapers need no key, and are not counted against the anonymous request budget.
            app.MapPrometheusScrapingEndpoint(MetricsPath).DisableRateLimiting();
        }
    }
}
