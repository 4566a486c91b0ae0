using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NodaTime;

namespace TransitGrains.Integration.Tests;

/// <summary>Who reported an event is stored with the event: it survives a crash of the silo on PostgreSQL.</summary>
public sealed class ReportedByTests
{
    private const string TerminalKey = "sde-terminal-key";
    private const string CustomsKey = "sde-customs-key";

    [Fact]
    public async Task The_first_reporters_name_survives_a_restart_and_a_duplicate_from_another_key_after_it()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = database,
            // High indexes add these to the Development keys.
            ["Transit:ApiKeys:98:key"] = TerminalKey,
            ["Transit:ApiKeys:98:role"] = "port",
            ["Transit:ApiKeys:98:locations:0"] = "CNSUD",
            ["Transit:ApiKeys:98:name"] = "shunde-terminal",
            ["Transit:ApiKeys:99:key"] = CustomsKey,
            ["Transit:ApiKeys:99:role"] = "customs",
            ["Transit:ApiKeys:99:name"] = "shunde-customs",
        };
        var container = Scenario.Container(16);
        var day = new LocalDate(2026, 11, 26);
        var release = Scenario.Customs("RB-CUSR", "CUSR", (day + new LocalTime(8, 40)).WithOffset(Scenario.China), "CNSUD", container);
        var load = Scenario.Equipment("RB-LOAD", "LOAD", (day + new LocalTime(8, 55)).WithOffset(Scenario.China), "CNSUD", container, "BARGE", Scenario.Barge);
        var departure = Scenario.Transport("RB-DEPA", "DEPA", (day + new LocalTime(9, 12)).WithOffset(Scenario.China), "CNSUD", "BARGE", Scenario.Barge);
        var expected = new Dictionary<string, string?>
        {
            [release.EventId] = "shunde-customs",
            [load.EventId] = "shunde-terminal",
            [departure.EventId] = "shunde-terminal",
        };

        int siloPort;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var admin = silo.Client();
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/shipments", Scenario.Booking("RB-1", "FWD-DEMO", container))).StatusCode);
            await Report(silo, CustomsKey, "ACCEPTED", release);
            await Report(silo, TerminalKey, "ACCEPTED", load, departure);
            Assert.Equal(expected, await ReportedBy(admin));
            siloPort = silo.SiloPort;
            await silo.KillAsync();
        }

        await using var restarted = await SiloProcess.StartAsync(settings, siloPort: siloPort);
        using var again = restarted.Client();
        Assert.Equal(expected, await ReportedBy(again));

        // The same ids from the Development port key, after the restart: duplicates, and the first reporters stand.
        await Report(restarted, "dev-port-key", "DUPLICATE", release, load, departure);
        Assert.Equal(expected, await ReportedBy(again));
    }

    private static async Task Report(SiloProcess silo, string key, string status, params PortEvent[] events)
    {
        using var client = silo.Client(key);
        using var answer = await client.PostAsJsonAsync("/api/v1/events", Scenario.Batch(events));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, text);
        Assert.All(JsonNode.Parse(text)!["results"]!.AsArray(), r => Assert.True((string?)r!["status"] == status, text));
    }

    private static async Task<Dictionary<string, string?>> ReportedBy(HttpClient client)
    {
        var shipment = JsonNode.Parse(await client.GetStringAsync("/api/v1/shipments/RB-1"))!;
        return shipment["timeline"]!.AsArray().ToDictionary(e => (string)e!["eventId"]!, e => (string?)e!["reportedBy"]);
    }
}
