using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using TransitGrains.Persistence;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The shipment listing in the durable profile: it lives in PostgreSQL beside each shipment's state, so it survives a
/// restart, and shipments stored before it existed are listed once the silo has woken them.
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

    [Fact]
    public async Task Shipments_stored_before_the_listing_are_listed_once_woken_and_one_never_booked_is_woken_once()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = database };
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = silo.Client("dev-forwarder-key");
            foreach (var id in new[] { "OLD-1", "OLD-2" })
            {
                var booked = await client.PostAsJsonAsync("/api/v1/shipments", Scenario.Booking(id, "FWD-DEMO", Scenario.Container(id == "OLD-1" ? 801 : 802)));
                Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            }

            await silo.StopAsync();
        }

        // The database as it was before the listing: no listing columns, and a shipment state stored before its booking.
        await Execute(database, """
            ALTER TABLE transit_grain_state DROP COLUMN forwarder, DROP COLUMN status, DROP COLUMN booked_at;
            DELETE FROM transit_schema_migrations WHERE version = 6;
            INSERT INTO transit_grain_state (service_id, grain_id, state_name, payload, version) VALUES ('transitgrains', 'shipment/NEVER-BOOKED', 'shipment', NULL, 1);
            """);
        Assert.Equal(1, (await new SchemaMigrator().MigrateAsync(database)).AppliedCount);

        await using var upgraded = await SiloProcess.StartAsync(settings);
        using var forwarder = upgraded.Client("dev-forwarder-key");
        var listed = new List<string>();
        await Poll.UntilAsync(async () => (listed = (await Page(forwarder, "")).Items).Count == 2, TimeSpan.FromSeconds(60), "both shipments listed");
        Assert.Equal(["OLD-2", "OLD-1"], listed);
        await Poll.UntilAsync(
            async () => await Scalar<long>(database, "SELECT count(*) FROM transit_grain_state WHERE wake_up_at IS NOT NULL") == 0,
            TimeSpan.FromSeconds(60),
            "no shipment due any more");
        Assert.Equal(2, await Scalar<int>(database, "SELECT version FROM transit_grain_state WHERE grain_id = 'shipment/NEVER-BOOKED'"));
    }

    private static async Task<(List<string> Items, string? NextCursor)> Page(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/api/v1/shipments{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        return (body["items"]!.AsArray().Select(i => (string)i!["shipmentId"]!).ToList(), (string?)body["nextCursor"]);
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
