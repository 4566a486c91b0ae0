using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TransitGrains.Benchmarks;

/// <summary>
/// The train DEPA again, now with <see cref="Subscriptions"/> webhook subscriptions that all want it (every type, no
/// filter, the forwarder's key): the acknowledgement's latency beside the fan-out target, and how long its notifications
/// take from the acknowledgement to a receiver on this machine (Kestrel, loopback) that answers 204 at once.
/// </summary>
public sealed class WebhookFanOut : IAsyncDisposable
{
    public const int Subscriptions = 10;

    private const string ForwarderKey = "dev-forwarder-key";

    private readonly WebApplication _receiver;
    private readonly HttpClient _api;
    private readonly List<string> _subscriptions = [];

    // When each (subscription, shipment, event) notification first arrived, as Stopwatch timestamps.
    private readonly ConcurrentDictionary<(string Path, string ShipmentId, string EventId), long> _events = new();

    private WebhookFanOut(WebApplication receiver, Uri silo)
    {
        _receiver = receiver;
        _api = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(60) };
        _api.DefaultRequestHeaders.Add("X-Api-Key", ForwarderKey);
        receiver.MapPost("/{path}", async (string path, HttpRequest request) =>
        {
            var received = Stopwatch.GetTimestamp();
            using var body = await JsonDocument.ParseAsync(request.Body);
            var root = body.RootElement;
            if (root.GetProperty("type").GetString() == "shipment.event")
            {
                var data = root.GetProperty("data");
                _events.TryAdd((path, data.GetProperty("shipmentId").GetString()!, data.GetProperty("eventId").GetString()!), received);
            }

            return Results.NoContent();
        });
    }

    /// <summary>Starts the receiver and subscribes <see cref="Subscriptions"/> times to it.</summary>
    public static async Task<WebhookFanOut> StartAsync(Uri silo)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, InProcessHostLifetime>();
        var fanOut = new WebhookFanOut(builder.Build(), silo);
        await fanOut._receiver.StartAsync();
        var receiver = fanOut._receiver.Urls.Single();
        for (var i = 0; i < Subscriptions; i++)
        {
            using var created = await fanOut._api.PostAsJsonAsync("api/v1/subscriptions", new { callbackUrl = $"{receiver}/receiver-{i}" });
            created.EnsureSuccessStatusCode();
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            fanOut._subscriptions.Add(body.GetProperty("subscriptionId").GetString()!);
        }

        return fanOut;
    }

    /// <summary>Waits until every subscription has the notification of each of these events (or the limit passes); false if not.</summary>
    public async Task<bool> Delivered(Setup setup, IEnumerable<PortSimulator.PortEvent> events, TimeSpan limit)
    {
        var expected = Expected(setup, events).ToList();
        var clock = Stopwatch.StartNew();
        while (!expected.All(_events.ContainsKey))
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    /// <summary>The time from the acknowledgement of the setup's timed event to each of its notifications' arrival (0 when one came first).</summary>
    public async Task Measure(Setup setup, long acknowledged, Samples delivery)
    {
        if (!await Delivered(setup, [setup.Timed], TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"the notifications of {setup.Timed.EventId} did not all arrive within 30 s");
        }

        foreach (var key in Expected(setup, [setup.Timed]))
        {
            delivery.Add(Stopwatch.GetElapsedTime(acknowledged, Math.Max(acknowledged, _events[key])));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Unsubscribed, so that what the benchmark does next is not notified.
            foreach (var id in _subscriptions)
            {
                using var deleted = await _api.DeleteAsync($"api/v1/subscriptions/{id}");
            }
        }
        finally
        {
            // Also when the silo is gone (a failed phase): the receiver must not outlive the phase.
            _api.Dispose();
            await _receiver.StopAsync();
            await _receiver.DisposeAsync();
        }
    }

    /// <summary>Each event of a setup concerns every shipment of it that holds its container (a transport event: all of them).</summary>
    private static IEnumerable<(string, string, string)> Expected(Setup setup, IEnumerable<PortSimulator.PortEvent> events) =>
        from e in events
        from booking in setup.Bookings
        where e.ContainerNumber is null || booking.Containers.Contains(e.ContainerNumber)
        from i in Enumerable.Range(0, Subscriptions)
        select ($"receiver-{i}", booking.ShipmentId, e.EventId);
}
