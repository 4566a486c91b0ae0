using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using TransitGrains.Persistence.Tests;

namespace TransitGrains.Api.Tests;

/// <summary>api.md 1.1 "Operations": /metrics moves with traffic, and a batch's trace follows it into the grains.</summary>
[Collection(ApiCollection.Name)]
public sealed class MetricsTests(TransitApiFixture api)
{
    [Fact]
    public async Task Metrics_need_no_key_and_carry_every_series_api_md_names()
    {
        // A request for ASP.NET Core to have measured, whatever ran before.
        (await api.Admin.Get("/api/v1/conveyances/rail/NOT-A-TRAIN-1")).Expect(HttpStatusCode.NotFound);
        var series = new[]
        {
            "transit_events_total{otel_scope_name=\"TransitGrains\",status=\"accepted\"}",
            "transit_events_total{otel_scope_name=\"TransitGrains\",status=\"duplicate\"}",
            "transit_events_total{otel_scope_name=\"TransitGrains\",status=\"rejected\"}",
            "transit_bookings_total{",
            "transit_tax_triggers_total{otel_scope_name=\"TransitGrains\",kind=\"REFUND_ELIGIBLE\"}",
            "transit_outbox_pending{",
            "transit_webhook_deliveries_total{otel_scope_name=\"TransitGrains\",outcome=\"delivered\"}",
            "transit_webhook_deliveries_total{otel_scope_name=\"TransitGrains\",outcome=\"failed\"}",
            "transit_webhook_deliveries_total{otel_scope_name=\"TransitGrains\",outcome=\"gave_up\"}",
            "http_server_request_duration_seconds_bucket{",
            "orleans_",
        };

        var response = await Wait.Until(
            () => api.Anonymous.Get("/metrics"),
            r => r.Status == HttpStatusCode.OK && series.All(s => r.Text.Contains(s, StringComparison.Ordinal)),
            "every series in /metrics");
        Assert.Equal("text/plain", response.MediaType);

        // The outbox of both push channels, each series once per channel.
        var values = PrometheusText.Values(response.Text);
        foreach (var name in new[] { "transit_outbox_pending", "transit_outbox_oldest_pending_age_seconds", "transit_outbox_delivered_total", "transit_outbox_failed_total" })
        {
            foreach (var channel in new[] { "tax_trigger", "webhook" })
            {
                Assert.Single(values.Keys, k => k.StartsWith(name + "{", StringComparison.Ordinal) && k.Contains($"channel=\"{channel}\"", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Event_booking_and_trigger_counts_move_with_traffic()
    {
        var before = await Scrape();

        var (_, container, barge) = await api.BookOnePort("MET");
        var good = Json.Customs("CUSR", container, Json.Shunde, Times.HoursAgo(5));
        var bad = Json.Customs("CUSR", Ids.WithWrongCheckDigit(container), Json.Shunde, Times.HoursAgo(5));
        await api.Submit([good, bad]);
        await api.Submit([good]);
        await api.Report(
            Json.Equipment("LOAD", container, Json.Shunde, Times.HoursAgo(4), "BARGE", barge),
            Json.Transport("DEPA", "BARGE", barge, Json.Shunde, Times.HoursAgo(3)));

        // Other tests run alongside on this silo, so each count has grown at least by this test's share.
        var after = await Wait.Until(
            Scrape,
            m => Grown(before, m, Series.Eligible) >= 1 && Grown(before, m, Series.TaxTriggersDelivered) >= 1,
            "the REFUND_ELIGIBLE trigger to be counted, and counted delivered (to the log: no queue is configured)");
        Assert.True(Grown(before, after, Series.Accepted) >= 3, "accepted");
        Assert.True(Grown(before, after, Series.Rejected) >= 1, "rejected");
        Assert.True(Grown(before, after, Series.Duplicate) >= 1, "duplicate");
        Assert.True(Grown(before, after, Series.Bookings) >= 1, "bookings");
        Assert.True(Grown(before, after, Series.BatchCount) >= 4, "batch duration count");
        Assert.True(after[Series.BatchSum] > 0, "batch duration sum");
    }

    private async Task<Dictionary<string, double>> Scrape() =>
        PrometheusText.Values((await api.Anonymous.Get("/metrics")).Expect(HttpStatusCode.OK).Text);

    private static double Grown(Dictionary<string, double> before, Dictionary<string, double> after, string series) =>
        after.GetValueOrDefault(series) - before.GetValueOrDefault(series);

    private static class Series
    {
        public const string Accepted = "transit_events_total{otel_scope_name=\"TransitGrains\",status=\"accepted\"}";
        public const string Duplicate = "transit_events_total{otel_scope_name=\"TransitGrains\",status=\"duplicate\"}";
        public const string Rejected = "transit_events_total{otel_scope_name=\"TransitGrains\",status=\"rejected\"}";
        public const string Bookings = "transit_bookings_total{otel_scope_name=\"TransitGrains\"}";
        public const string Eligible = "transit_tax_triggers_total{otel_scope_name=\"TransitGrains\",kind=\"REFUND_ELIGIBLE\"}";
        public const string BatchCount = "transit_event_batch_duration_seconds_count{otel_scope_name=\"TransitGrains\"}";
        public const string BatchSum = "transit_event_batch_duration_seconds_sum{otel_scope_name=\"TransitGrains\"}";
        public const string TaxTriggersDelivered = "transit_outbox_delivered_total{otel_scope_name=\"TransitGrains\",channel=\"tax_trigger\"}";
    }
}

/// <summary>What the configured silo does with telemetry: /metrics off, OTLP on.</summary>
[Collection(ConfiguredSiloCollection.Name)]
public sealed class TelemetryConfigurationTests(ConfiguredSiloFixture silo)
{
    [Fact]
    public async Task Metrics_can_be_turned_off() =>
        (await silo.As(Keys.Admin).Get("/metrics")).Expect(HttpStatusCode.NotFound);

    [Fact]
    public async Task Traces_and_metrics_go_to_the_OTLP_collector_when_one_is_configured()
    {
        (await silo.As(Keys.Admin).Get("/api/v1/conveyances/barge/OTLP-TEST-1")).Expect(HttpStatusCode.NotFound);

        await Wait.Until(
            () => Task.FromResult(silo.OtlpRequests),
            received => received.ContainsKey("/v1/traces") && received.ContainsKey("/v1/metrics"),
            "OTLP traces and metrics to arrive at the collector",
            timeoutSeconds: 30);
    }
}

/// <summary>One trace per batch: from the HTTP request through the grain calls (and, on PostgreSQL, its commands).</summary>
public sealed class TraceTests : IAsyncLifetime
{
    private readonly PostgresDatabases _databases = new();
    private RunningSilo? _silo;

    public async Task InitializeAsync()
    {
        await _databases.InitializeAsync();
        _silo = await RunningSilo.Start($"--ConnectionStrings:Transit={await _databases.CreateMigratedAsync()}");
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await _databases.DisposeAsync();
    }

    [Fact]
    public async Task A_batch_is_one_trace_from_HTTP_through_the_grains_to_PostgreSQL()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var spans = new SpanRecorder(traceId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent(
                Json.Batch([Json.Transport("DEPA", "BARGE", Ids.Conveyance("TRC"), Json.Shunde, Times.HoursAgo(1))]).ToJsonString(),
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-Api-Key", Keys.Port);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await _silo!.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var sources = await Wait.Until(
            () => Task.FromResult(spans.Sources()),
            s => s.Contains("Microsoft.AspNetCore") && s.Any(n => n.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)) && s.Contains("Npgsql"),
            "spans of HTTP, grain calls and PostgreSQL in the batch's trace");
        Assert.Contains(spans.Names(), n => n.Contains("IEventIntakeGrain", StringComparison.Ordinal));
    }

    /// <summary>Every span of one trace that this process records while it is open.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _spans = new();
        private readonly ActivityListener _listener;

        public SpanRecorder(ActivityTraceId traceId)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.TraceId == traceId)
                    {
                        _spans.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public HashSet<string> Sources() => _spans.Select(s => s.Source.Name).ToHashSet(StringComparer.Ordinal);

        public List<string> Names() => _spans.Select(s => s.DisplayName).ToList();

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>Prometheus text exposition as series (name and labels, as written) → value.</summary>
public static class PrometheusText
{
    public static Dictionary<string, double> Values(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // "series value [timestamp]"; labels may contain spaces only inside quotes, which ours do not.
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }
}
