using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace TransitGrains.Integration.Tests;

/// <summary>A terminal's interchange acknowledged by the durable profile survives a SIGKILL, and sent again is DUPLICATE.</summary>
public sealed class EdifactDurabilityTests
{
    /// <summary>Shunde's gate-in and the loading onto the barge, one interchange; the times in the terminal's local clock.</summary>
    private const string GateInAndLoading = """
        UNB+UNOC:3+BJT+TRANSITGRAINS+261126:0900+BJT2611260001'
        UNH+1+CODECO:D:95B:UN:ITG14'
        BGM+34+BJT-GI-0001+9'
        LOC+165+CNSUD:139:6+BJT:TER:ZZZ'
        EQD+CN+CSQU3054383+22G1:102:5++2+4'
        DTM+7:202611260710:203'
        CNT+16:1'
        UNT+7+1'
        UNH+2+COARRI:D:95B:UN:SMDG15'
        BGM+46+BJT-LD-0001+9'
        TDT+20+2611A+8+++++:146::SUIGANG 903'
        LOC+9+CNSUD:139:6+BJT:TER:ZZZ'
        EQD+CN+CSQU3054383+22G1:102:5++2+5'
        DTM+203:202611260855:203'
        CNT+16:1'
        UNT+8+2'
        UNZ+2+BJT2611260001'
        """;

    [Fact]
    public async Task An_acknowledged_interchange_reads_back_after_a_SIGKILL_and_the_same_interchange_again_is_DUPLICATE()
    {
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = await TestServices.CreateDatabaseAsync() };
        int siloPort;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = silo.Client();
            Assert.Equal(HttpStatusCode.Created, await client.BookAsync(Scenario.Booking("EDI-1", "FWD-DEMO", "CSQU3054383")));
            Assert.Equal(["ACCEPTED", "ACCEPTED"], await Post(client));
            siloPort = silo.SiloPort;
            await silo.KillAsync();
        }

        await using var restarted = await SiloProcess.StartAsync(settings, siloPort: siloPort);
        using var again = restarted.Client();
        var timeline = JsonNode.Parse(await again.GetStringAsync("/api/v1/shipments/EDI-1"))!["timeline"]!.AsArray();

        Assert.Equal([("BJT:BJT2611260001:1:1", "GTIN", "EMPTY"), ("BJT:BJT2611260001:2:1", "LOAD", "LADEN")],
            timeline.Select(e => ((string)e!["eventId"]!, (string)e["eventCode"]!, (string)e["emptyIndicator"]!)));
        Assert.Equal(("2026-11-26T07:10:00+08:00", Scenario.Barge), ((string)timeline[0]!["eventDateTime"]!, (string)timeline[1]!["conveyanceId"]!));
        Assert.Equal(["DUPLICATE", "DUPLICATE"], await Post(again));
    }

    private static async Task<IReadOnlyList<string>> Post(HttpClient client)
    {
        using var response = await client.PostAsync("/api/v1/edifact", new StringContent(GateInAndLoading, Encoding.UTF8, "application/edifact"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        return answer!["messages"]!.AsArray().SelectMany(m => m!["results"]!.AsArray()).Select(r => (string)r!["status"]!).ToList();
    }
}
