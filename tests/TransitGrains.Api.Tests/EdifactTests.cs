using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary><c>POST /api/v1/edifact</c>: terminals' CODECO and COARRI over real HTTP, stored through the same intake as JSON batches.</summary>
[Collection(ApiCollection.Name)]
public sealed class EdifactTests(TransitApiFixture api)
{
    private static int _interchanges;

    /// <summary>An interchange reference no other test uses (at most 14 characters).</summary>
    private static string Reference() => $"T{Environment.ProcessId % 100_000:D5}{Interlocked.Increment(ref _interchanges):D6}";

    /// <summary>A gate-in at Shunde's BJT terminal and the loading onto the barge, as one interchange of two messages.</summary>
    private static string GateInAndLoading(string reference, string container, string barge, string sender = "BJT")
    {
        var (name, number) = (barge[..barge.IndexOf('-', StringComparison.Ordinal)], barge[(barge.IndexOf('-', StringComparison.Ordinal) + 1)..]);
        return $"""
            UNA:+.? '
            UNB+UNOC:3+{sender}+TRANSITGRAINS+201130:0900+{reference}'
            UNH+1+CODECO:D:95B:UN:ITG14'
            BGM+34+GI-{reference}+9'
            LOC+165+CNSUD:139:6+BJT:TER:ZZZ'
            EQD+CN+{container}+22G1:102:5++2+5'
            DTM+7:202011300710:203'
            CNT+16:1'
            UNT+7+1'
            UNH+2+COARRI:D:95B:UN:SMDG15'
            BGM+46+LD-{reference}+9'
            TDT+20+{number}+8+++++:146::{name}'
            LOC+9+CNSUD:139:6+BJT:TER:ZZZ'
            EQD+CN+{container}+22G1:102:5++2+5'
            DTM+203:202011300845:203'
            CNT+16:1'
            UNT+8+2'
            UNZ+2+{reference}'
            """;
    }

    private Task<ApiResponse> Post(string interchange, string key = Keys.Port, string? mediaType = "application/edifact") =>
        api.As(key).PostRaw("/api/v1/edifact", interchange, mediaType);

    private static IEnumerable<JsonNode> Results(JsonObject answer) =>
        answer["messages"]!.AsArray().SelectMany(m => m!["results"]!.AsArray()).Select(r => r!);

    private static IEnumerable<string> Statuses(JsonObject answer) => Results(answer).Select(r => (string)r["status"]!);

    [Fact]
    public async Task Each_container_group_is_an_event_stored_and_shown_on_the_shipment_and_the_same_interchange_again_is_DUPLICATE()
    {
        var (id, container, barge) = await api.BookOnePort("EDI");
        var reference = Reference();
        var text = GateInAndLoading(reference, container, barge);

        var answer = (await Post(text)).Expect(HttpStatusCode.OK).Body;

        Assert.Equal(reference, (string?)answer["interchange"]);
        Assert.Equal([("1", "CODECO"), ("2", "COARRI")],
            answer["messages"]!.AsArray().Select(m => ((string)m!["messageReference"]!, (string)m["type"]!)));
        Assert.Equal(["ACCEPTED", "ACCEPTED"], Statuses(answer));
        Assert.Equal([$"BJT:{reference}:1:1", $"BJT:{reference}:2:1"], Results(answer).Select(r => (string)r["eventId"]!));

        var shipment = await api.Shipment(id);
        var timeline = shipment["timeline"]!.AsArray();
        Assert.Equal(["GTIN", "LOAD"], timeline.Select(e => (string)e!["eventCode"]!));
        Assert.Equal(("2020-11-30T07:10:00+08:00", "BJT", "LADEN"),
            ((string)timeline[0]!["eventDateTime"]!, (string)timeline[0]!["facility"]!, (string)timeline[0]!["emptyIndicator"]!));
        Assert.Equal(("BARGE", barge), ((string)timeline[1]!["modeOfTransport"]!, (string)timeline[1]!["conveyanceId"]!));
        var onBoard = Assert.Single(shipment["containers"]!.AsArray())!;
        Assert.Equal(("ON_CONVEYANCE", barge), ((string)onBoard["status"]!, (string)onBoard["conveyanceId"]!));

        var again = (await Post(text.Replace("\n", "", StringComparison.Ordinal))).Expect(HttpStatusCode.OK).Body; // one line, same interchange
        Assert.Equal(["DUPLICATE", "DUPLICATE"], Statuses(again));
    }

    private static string Break(string what, string text) => what switch
    {
        "a missing UNZ" => text[..text.IndexOf("UNZ+", StringComparison.Ordinal)],
        "a wrong segment count" => text.Replace("UNT+8+2", "UNT+9+2", StringComparison.Ordinal),
        "a release character at the end" => text.TrimEnd().TrimEnd('\'') + "?",
        "no UNB" => text[text.IndexOf("UNH", StringComparison.Ordinal)..],
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    [Theory]
    [InlineData("a missing UNZ", "UNT", 16)]
    [InlineData("a wrong segment count", "UNT", 16)]
    [InlineData("a release character at the end", "UNZ", 17)]
    [InlineData("no UNB", "UNH", 1)]
    public async Task A_broken_interchange_is_400_naming_the_segment_and_its_position_and_nothing_in_it_is_stored(string what, string tag, int position)
    {
        var (id, container, barge) = await api.BookOnePort("EDIX");
        var text = GateInAndLoading(Reference(), container, barge);

        var problem = (await Post(Break(what, text))).Problem(HttpStatusCode.BadRequest);

        Assert.True(((string)problem["detail"]!).StartsWith($"segment {position} ({tag}", StringComparison.Ordinal), $"{what}: {problem}");
        Assert.Equal((tag, position), ((string?)problem["segment"], (int)problem["position"]!));
        Assert.Empty((await api.Shipment(id))["timeline"]!.AsArray()); // the valid message before the break was not stored
        Assert.Equal(["ACCEPTED", "ACCEPTED"], Statuses((await Post(text)).Expect(HttpStatusCode.OK).Body));
    }

    [Fact]
    public async Task Bad_moves_are_rejected_one_by_one_and_a_message_type_not_read_as_a_whole_while_the_rest_is_stored()
    {
        var (id, container, barge) = await api.BookOnePort("EDIR");
        var reference = Reference();
        var good = GateInAndLoading(reference, container, barge);
        var text = good
            // the gate-in message: three more groups, each wrong in its own way
            .Replace("CNT+16:1'\nUNT+7+1'", $"""
                EQD+CN+{Ids.WithWrongCheckDigit(container)}+22G1:102:5++2+5'
                DTM+7:202011300720:203'
                EQD+CN+{container}+22G1:102:5++2+5'
                DTM+7:202011300730:203'
                LOC+165+NOWHERE:139:6'
                EQD+CN+{container}+22G1:102:5++2+5'
                DTM+7:202011301310:999'
                CNT+16:4'
                UNT+14+1'
                """, StringComparison.Ordinal)
            .Replace("UNZ+2+", "UNH+3+BAPLIE:D:95B:UN:SMDG20'\nBGM+++9'\nUNT+3+3'\nUNZ+3+", StringComparison.Ordinal);

        var answer = (await Post(text)).Expect(HttpStatusCode.OK).Body;

        var messages = answer["messages"]!.AsArray();
        var gateIn = messages[0]!["results"]!.AsArray();
        Assert.Equal(["ACCEPTED", "REJECTED", "REJECTED", "REJECTED"], gateIn.Select(r => (string)r!["status"]!));
        Assert.Contains("containerNumber: ", (string)gateIn[1]!["error"]!, StringComparison.Ordinal);
        Assert.Contains("check digit", (string)gateIn[1]!["error"]!, StringComparison.Ordinal);
        Assert.Contains("location: LOC+165 NOWHERE", (string)gateIn[2]!["error"]!, StringComparison.Ordinal);
        Assert.Contains("eventDateTime: DTM+7", (string)gateIn[3]!["error"]!, StringComparison.Ordinal);
        Assert.Equal($"BJT:{reference}:1:4", (string)gateIn[3]!["eventId"]!);
        Assert.Equal("ACCEPTED", (string)messages[1]!["results"]![0]!["status"]!);
        var baplie = messages[2]!;
        Assert.Equal(("BAPLIE", "REJECTED"), ((string)baplie["type"]!, (string)baplie["status"]!));
        Assert.Contains("message type BAPLIE is not read", (string)baplie["error"]!, StringComparison.Ordinal);
        Assert.Equal(2, (await api.Shipment(id))["timeline"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_same_permissions_apply_as_for_JSON()
    {
        var (id, container, barge) = await api.BookOnePort("EDIP");
        var atNansha = GateInAndLoading(Reference(), container, barge).Replace("CNSUD", "CNNSA", StringComparison.Ordinal);

        var shundeOnly = (await Post(atNansha, Keys.ShundePort)).Expect(HttpStatusCode.OK).Body;
        var customs = (await Post(GateInAndLoading(Reference(), container, barge), Keys.Customs)).Expect(HttpStatusCode.OK).Body;
        (await Post(GateInAndLoading(Reference(), container, barge), Keys.Forwarder)).Problem(HttpStatusCode.Forbidden);
        (await Post(GateInAndLoading(Reference(), container, barge), key: null!)).Problem(HttpStatusCode.Unauthorized);

        Assert.All(Results(shundeOnly), r => Assert.Equal(("REJECTED", "location: this key may not report at CNNSA"), ((string)r["status"]!, (string)r["error"]!)));
        Assert.All(Results(customs), r => Assert.Contains("may not report EQUIPMENT events", (string)r["error"]!, StringComparison.Ordinal));
        Assert.Empty((await api.Shipment(id))["timeline"]!.AsArray());
    }

    [Fact]
    public async Task An_interchange_sent_as_text_plain_is_read_and_one_sent_as_JSON_or_without_a_media_type_is_415()
    {
        var (id, container, barge) = await api.BookOnePort("EDIT");

        var asJson = (await Post(GateInAndLoading(Reference(), container, barge), mediaType: "application/json")).Problem(HttpStatusCode.UnsupportedMediaType);
        var untyped = (await Post(GateInAndLoading(Reference(), container, barge), mediaType: null)).Problem(HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("application/json", (string)asJson["detail"]!, StringComparison.Ordinal);
        Assert.Contains("without a Content-Type", (string)untyped["detail"]!, StringComparison.Ordinal);
        Assert.Empty((await api.Shipment(id))["timeline"]!.AsArray());
        Assert.Equal(["ACCEPTED", "ACCEPTED"], Statuses((await Post(GateInAndLoading(Reference(), container, barge), mediaType: "text/plain")).Expect(HttpStatusCode.OK).Body));
    }
}
