using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The shipment listing in the durable profile: its rows are written in the journal's transactions, so it survives a
/// restart.
/// </summary>
public sealed class ListingTests
{
    [Fact]
    public async Task The_listing_and_its_cursors_survive_a_silo_restart()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = database };

        List<string> firstPage, secondPage;
        string cursor;
        int siloPort;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = silo.Client("dev-forwarder-key");
            for (var i = 1; i <= 3; i++)
            {
                var booked = await client.PostAsJsonAsync("/api/v1/shipments", Scenario.Booking($"LST-{i}", "FWD-DEMO", Scenario.Container(700 + i)));
                Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            }

            (firstPage, var next) = await Page(client, "?limit=2");
            cursor = next!;
            (secondPage, _) = await Page(client, $"?limit=2&cursor={Uri.EscapeDataString(cursor)}");
            siloPort = silo.SiloPort;
            await silo.KillAsync();
        }

        Assert.Equal(["LST-3", "LST-2"], firstPage);
        Assert.Equal(["LST-1"], secondPage);

        // Same silo endpoint, as when a machine restarts: the new generation supersedes the killed one at once.
        await using var restarted = await SiloProcess.StartAsync(settings, siloPort: siloPort);
        using var again = restarted.Client("dev-forwarder-key");
        using var other = restarted.Client("dev-forwarder2-key");
        var first = await Page(again, "?limit=2");
        Assert.Equal(firstPage, first.Items);
        Assert.Equal(cursor, first.NextCursor);
        var second = await Page(again, $"?limit=2&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(secondPage, second.Items);
        Assert.Null(second.NextCursor);
        Assert.Equal(["LST-3"], (await Page(again, "?status=BOOKED&limit=1")).Items);
        Assert.Empty((await Page(other, "")).Items);
    }

    private static async Task<(List<string> Items, string? NextCursor)> Page(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/api/v1/shipments{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        return (body["items"]!.AsArray().Select(i => (string)i!["shipmentId"]!).ToList(), (string?)body["nextCursor"]);
    }
}
