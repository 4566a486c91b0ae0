using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TransitGrains.Integration.Tests;

/// <summary>What a port system or forwarder receives for one event of a batch.</summary>
public sealed record EventAnswer(string EventId, string Status, string? Error)
{
    /// <summary>ACCEPTED or DUPLICATE: api.md promises the event is durably stored.</summary>
    public bool IsStored => Status is "ACCEPTED" or "DUPLICATE";
}

/// <summary>The few API calls the kill/restart tests make, through the HTTP API of a silo.</summary>
public static class ApiCalls
{
    /// <summary>Posts one batch; answers its per-event results, or throws when it was not answered 200.</summary>
    public static async Task<IReadOnlyList<EventAnswer>> PostEventsAsync(
        this HttpClient client, IEnumerable<PortEvent> events, CancellationToken cancellation = default)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/events", Scenario.Batch(events), cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"POST /api/v1/events answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => new EventAnswer(
                r.GetProperty("eventId").GetString()!,
                r.GetProperty("status").GetString()!,
                r.TryGetProperty("error", out var error) ? error.GetString() : null))
            .ToList();
    }

    /// <summary>Books a shipment; throws unless it was created (201) or already booked the same way (200).</summary>
    public static async Task<HttpStatusCode> BookAsync(this HttpClient client, object booking, CancellationToken cancellation = default)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/shipments", booking, cancellation);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            var body = await response.Content.ReadAsStringAsync(cancellation);
            throw new HttpRequestException($"POST /api/v1/shipments answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return response.StatusCode;
    }

    /// <summary>The event ids of a shipment's timeline in its order; null when the shipment is not found.</summary>
    public static async Task<IReadOnlyList<string>?> TimelineAsync(this HttpClient client, string shipmentId, CancellationToken cancellation = default)
    {
        using var response = await client.GetAsync($"/api/v1/shipments/{shipmentId}", cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellation);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET shipment {shipmentId} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("timeline").EnumerateArray()
            .Select(e => e.GetProperty("eventId").GetString()!)
            .ToList();
    }

    /// <summary>The timelines of many shipments, read in parallel; a shipment that is not found has none.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>?>> TimelinesAsync(
        this HttpClient client, IEnumerable<string> shipmentIds, CancellationToken cancellation = default)
    {
        var ids = shipmentIds.ToList();
        var timelines = await Task.WhenAll(ids.Select(id => client.TimelineAsync(id, cancellation)));
        return ids.Zip(timelines).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>A conveyance's view (<c>mode</c> as in the URL: rail, barge, ...); null when nothing is known of it.</summary>
    public static async Task<JsonElement?> ConveyanceAsync(this HttpClient client, string mode, string conveyanceId, CancellationToken cancellation = default)
    {
        using var response = await client.GetAsync($"/api/v1/conveyances/{mode}/{conveyanceId}", cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellation);
        return response.StatusCode == HttpStatusCode.OK
            ? JsonDocument.Parse(body).RootElement.Clone()
            : throw new HttpRequestException($"GET conveyance {mode}/{conveyanceId} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
    }
}
