using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransitGrains.ForwarderCli;

/// <summary>The API refused a request; <see cref="Exception.Message"/> is the problem's title and detail.</summary>
public sealed class ApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>The forwarder's side of the HTTP API: booking, reading and listing shipments, and webhook subscriptions, with one API key.</summary>
public sealed class TransitClient : IDisposable
{
    private readonly HttpClient _http;

    public TransitClient(Uri baseAddress, string apiKey)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    /// <summary>Books one shipment (the JSON of api.md, as read from a file); true when it was new, false when already booked.</summary>
    public async Task<(Shipment Shipment, bool Created)> Book(JsonObject booking, CancellationToken ct)
    {
        using var content = new StringContent(booking.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("api/v1/shipments", content, ct);
        return (await Read<Shipment>(response, ct), response.StatusCode == HttpStatusCode.Created);
    }

    public async Task<Shipment> Get(string shipmentId, bool timeline, CancellationToken ct)
    {
        using var response = await _http.GetAsync($"api/v1/shipments/{Uri.EscapeDataString(shipmentId)}?timeline={(timeline ? "true" : "false")}", ct);
        return await Read<Shipment>(response, ct);
    }

    public async Task<IReadOnlyList<Shipment>> ListByContainer(string container, CancellationToken ct)
    {
        using var response = await _http.GetAsync($"api/v1/shipments?container={Uri.EscapeDataString(container)}", ct);
        return (await Read<ShipmentList>(response, ct)).Items;
    }

    /// <summary>Subscribes (the JSON of api.md 1.1: callbackUrl and the filters); the answer holds the secret, shown only now.</summary>
    public async Task<Subscription> Subscribe(JsonObject subscription, CancellationToken ct)
    {
        using var content = new StringContent(subscription.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("api/v1/subscriptions", content, ct);
        return await Read<Subscription>(response, ct);
    }

    public async Task<IReadOnlyList<Subscription>> Subscriptions(CancellationToken ct)
    {
        using var response = await _http.GetAsync("api/v1/subscriptions", ct);
        return (await Read<SubscriptionList>(response, ct)).Items;
    }

    /// <summary>A subscription's latest delivery attempts, newest first.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> Deliveries(string subscriptionId, int limit, CancellationToken ct)
    {
        using var response = await _http.GetAsync($"api/v1/subscriptions/{Uri.EscapeDataString(subscriptionId)}/deliveries?limit={limit}", ct);
        return (await Read<DeliveryList>(response, ct)).Items;
    }

    public void Dispose() => _http.Dispose();

    private static async Task<T> Read<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<T>(Json.Options, ct)
                ?? throw new ApiException(response.StatusCode, "the service answered with an empty body");
        }

        throw new ApiException(response.StatusCode, await Describe(response, ct));
    }

    /// <summary>An RFC 9457 problem as one readable message: title, detail, and each bad field.</summary>
    private static async Task<string> Describe(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            if (JsonNode.Parse(text) is JsonObject problem)
            {
                var message = new StringBuilder($"{(int)response.StatusCode} {problem["title"]}");
                if (problem["detail"] is { } detail)
                {
                    message.Append(": ").Append(detail);
                }

                foreach (var (field, errors) in problem["errors"] as JsonObject ?? [])
                {
                    message.Append($"\n  {field}: {string.Join("; ", errors?.AsArray().Select(e => (string?)e) ?? [])}");
                }

                return message.ToString();
            }
        }
        catch (JsonException)
        {
            // not a problem document: fall through to the status line
        }

        return $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
