using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TransitGrains.Integration.Tests;

/// <summary>What the tax-refund tests ask of the HTTP API besides <see cref="ApiCalls"/>: every event accepted, the refund block, readiness.</summary>
public static class RefundApi
{
    /// <summary>Reports a batch and insists that every event was ACCEPTED (stored before the answer).</summary>
    public static async Task ReportAsync(this HttpClient client, params IEnumerable<PortEvent> events)
    {
        var answers = await client.PostEventsAsync(events);
        Assert.True(answers.All(a => a.Status == "ACCEPTED"), string.Join(", ", answers));
    }

    /// <summary>The shipment view's <c>taxRefund</c> block.</summary>
    public static async Task<JsonObject> RefundOfAsync(this HttpClient client, string shipmentId)
    {
        var view = await client.GetFromJsonAsync<JsonObject>($"/api/v1/shipments/{shipmentId}?timeline=false");
        return view!["taxRefund"]!.AsObject();
    }

    /// <summary>Reads the refund block until it satisfies <paramref name="condition"/>, within a bounded time.</summary>
    public static async Task<JsonObject> RefundOfAsync(this HttpClient client, string shipmentId, Func<JsonObject, bool> condition, TimeSpan limit)
    {
        JsonObject? refund = null;
        await Poll.UntilAsync(async () => condition(refund = await client.RefundOfAsync(shipmentId)), limit, $"the taxRefund of {shipmentId} in the expected state");
        return refund!;
    }

    public static IReadOnlyList<JsonObject> Triggers(this JsonObject refund) =>
        refund["triggers"]!.AsArray().Select(t => t!.AsObject()).ToList();

    public static bool AllDelivered(this JsonObject refund) => refund.Triggers().All(t => t["deliveredAt"] is not null);

    /// <summary>GET /health/ready (no key needed); a silo that does not answer in time counts as not ready.</summary>
    public static async Task<HttpStatusCode?> ReadinessAsync(this SiloProcess silo)
    {
        using var client = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync("/health/ready");
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls readiness until it is (or is no longer) 200, within a bounded time.</summary>
    public static Task WaitReadinessAsync(this SiloProcess silo, bool ready, TimeSpan limit) =>
        Poll.UntilAsync(
            async () => (await silo.ReadinessAsync() == HttpStatusCode.OK) == ready,
            limit,
            ready ? "/health/ready answering 200" : "/health/ready no longer answering 200",
            intervalMs: 250);
}
