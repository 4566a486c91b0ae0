using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace TransitGrains.PortSimulator;

/// <summary>The API as a port system (events) and an admin (bookings, checks) use it, with one key.</summary>
public sealed class TransitApi : IDisposable
{
    private readonly HttpClient _http;

    public TransitApi(Uri baseAddress, string apiKey, int connections = 16)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Books; answers the HTTP status (201 new, 200 the same booking again) and, on failure, the problem text.</summary>
    public async Task<(HttpStatusCode Status, string? Problem)> Book(Booking booking, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("api/v1/shipments", booking, WireJson.Options, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw Refused(response, await response.Content.ReadAsStringAsync(ct)); // no point booking the rest
        }

        return (response.StatusCode, response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>
    /// One batch. A timeout, a refused connection or a 5xx is retried with the same ids, as port systems do: what
    /// was stored before the failure then comes back DUPLICATE. Answers the results, in batch order, and the number of retries.
    /// As <see cref="WireFormat.Edifact"/>, the container moves go as one interchange and the rest as JSON.
    /// </summary>
    public async Task<(IReadOnlyList<EventResult> Results, int Retries)> Report(IReadOnlyList<PortEvent> events, CancellationToken ct, WireFormat format = WireFormat.Json)
    {
        if (format == WireFormat.Json || !events.Any(TerminalEdi.IsContainerMove))
        {
            var (answer, retries) = await Post<EventBatchResult>("api/v1/events", () => JsonContent.Create(new EventBatch(events), options: WireJson.Options), ct);
            return (answer.Results, retries);
        }

        var moves = events.Where(TerminalEdi.IsContainerMove).ToList();
        var others = events.Where(e => !TerminalEdi.IsContainerMove(e)).ToList();
        var (text, order) = TerminalEdi.Interchange(moves);
        var (interchange, edifactRetries) = await ReportInterchange(text, ct);
        var byMove = new EventResult?[moves.Count];
        foreach (var (message, indexes) in interchange.Messages.Zip(order))
        {
            // A message not read answers none of its moves: each takes the message's error.
            for (var i = 0; i < indexes.Count; i++)
            {
                byMove[indexes[i]] = i < message.Results.Count ? message.Results[i] : new EventResult(null, message.Status ?? "REJECTED", message.Error);
            }
        }

        var (json, jsonRetries) = others.Count == 0
            ? (new EventBatchResult([]), 0)
            : await Post<EventBatchResult>("api/v1/events", () => JsonContent.Create(new EventBatch(others), options: WireJson.Options), ct);
        var (nextMove, nextOther) = (0, 0);
        var results = events.Select(e => TerminalEdi.IsContainerMove(e)
            ? byMove[nextMove++] ?? new EventResult(null, "REJECTED", "the interchange answered no result for this move")
            : json.Results[nextOther++]).ToList();
        return (results, edifactRetries + jsonRetries);
    }

    /// <summary>One EDIFACT interchange, retried as <see cref="Report"/> retries a batch (the same interchange again is DUPLICATE).</summary>
    public Task<(EdifactAnswer Answer, int Retries)> ReportInterchange(string interchange, CancellationToken ct) =>
        Post<EdifactAnswer>("api/v1/edifact", () => new StringContent(interchange, Encoding.UTF8, "application/edifact"), ct);

    /// <summary>Posts with retries (timeouts, refused connections, 5xx), the content made afresh each time.</summary>
    private async Task<(T Answer, int Retries)> Post<T>(string path, Func<HttpContent> content, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var body = content();
                using var response = await _http.PostAsync(path, body, ct);
                if (response.IsSuccessStatusCode)
                {
                    return ((await response.Content.ReadFromJsonAsync<T>(WireJson.Options, ct))!, attempt);
                }

                if ((int)response.StatusCode < 500 || attempt == 4)
                {
                    throw Refused(response, await response.Content.ReadAsStringAsync(ct));
                }
            }
            catch (Exception ex) when (attempt < 4 && !ct.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException)
            {
                // retried below
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250 << attempt), ct);
        }
    }

    public Task<ShipmentState?> Shipment(string shipmentId, CancellationToken ct) =>
        GetOrNull<ShipmentState>($"api/v1/shipments/{Uri.EscapeDataString(shipmentId)}?timeline=false", ct);

    public Task<ConveyanceState?> Conveyance(string mode, string conveyanceId, CancellationToken ct) =>
        GetOrNull<ConveyanceState>($"api/v1/conveyances/{mode.ToLowerInvariant()}/{Uri.EscapeDataString(conveyanceId)}", ct);

    public void Dispose() => _http.Dispose();

    private static HttpRequestException Refused(HttpResponseMessage response, string body) =>
        new($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} {response.StatusCode}: {body}", null, response.StatusCode);

    private async Task<T?> GetOrNull<T>(string path, CancellationToken ct) where T : class
    {
        using var response = await _http.GetAsync(path, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(WireJson.Options, ct);
    }
}
