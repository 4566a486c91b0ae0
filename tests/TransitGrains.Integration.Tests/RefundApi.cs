using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TransitGrains.Integration.Tests;

/// <summary>The HTTP calls of the tax-refund tests: a forwarder books, a port reports, anyone reads the refund block.</summary>
public static class RefundApi
{
    public static async Task BookForRefundAsync(this HttpClient client, object booking)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/shipments", booking);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"booking answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Reports a batch and insists that every event was ACCEPTED (stored before the answer).</summary>
    public static async Task ReportAsync(this HttpClient client, params IEnumerable<object> events)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/events", new { events = events.ToList() });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"events answered {(int)response.StatusCode}: {body}");
        var statuses = JsonNode.Parse(body)!["results"]!.AsArray().Select(r => (string?)r!["status"]).ToList();
        Assert.True(statuses.All(s => s == "ACCEPTED"), body);
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
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var refund = await client.RefundOfAsync(shipmentId);
            if (condition(refund))
            {
                return refund;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"taxRefund of {shipmentId} did not reach the expected state within {limit}: {refund.ToJsonString()}");
            }

            await Task.Delay(200);
        }
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
    public static async Task WaitReadinessAsync(this SiloProcess silo, bool ready, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode? status;
        while ((status = await silo.ReadinessAsync()) == HttpStatusCode.OK != ready)
        {
            Assert.True(clock.Elapsed < limit, $"/health/ready still answers {status?.ToString() ?? "nothing"} after {limit}");
            await Task.Delay(250);
        }
    }
}
