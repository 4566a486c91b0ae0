using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NodaTime;

namespace TransitGrains.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class EventIntakeTests(TransitApiFixture api)
{
    [Fact]
    public async Task A_mixed_batch_is_200_with_one_result_per_event_in_order()
    {
        var container = Ids.Container();
        var barge = Ids.Conveyance("BRG");
        var at = "2020-11-30T08:55:00+08:00";
        var load = Json.Equipment("LOAD", container, Json.Shunde, at, "BARGE", barge);
        var events = new[]
        {
            load,
            load.With(("eventId", Ids.Event()), ("eventDateTime", "2020-11-30T08:55:00")),
            load.With(("eventId", Ids.Event()), ("containerNumber", Ids.WithWrongCheckDigit(container))),
            Json.Transport("DEPA", "BARGE", barge, Json.Shunde, at).With(("conveyanceId", null)),
            Json.Customs("CUSR", container, Json.Shunde, Times.At(Times.Now + Duration.FromDays(2))),
            Json.Customs("CUSR", container, Json.Shunde, at),
        };

        var results = await api.Submit(events);

        Assert.Equal(["ACCEPTED", "REJECTED", "REJECTED", "REJECTED", "REJECTED", "ACCEPTED"], results.Select(r => (string)r!["status"]!));
        Assert.Contains("eventDateTime", Error(results[1]));
        Assert.Contains("offset", Error(results[1]));
        Assert.Contains("containerNumber", Error(results[2]));
        Assert.Contains("check digit", Error(results[2]));
        Assert.Contains("conveyanceId", Error(results[3]));
        Assert.Contains("eventDateTime", Error(results[4]));
        Assert.Contains("future", Error(results[4]));
        Assert.Null(results[0]!["error"]);
        Assert.Null(results[5]!["error"]);
    }

    [Theory]
    [InlineData("eventId of 101 characters", "eventId")]
    [InlineData("empty eventId", "eventId")]
    [InlineData("LOAD sent as a TRANSPORT event", "eventCode")]
    [InlineData("lower-case eventCode", "eventCode")]
    [InlineData("unknown classifier", "classifier")]
    [InlineData("malformed location", "location")]
    [InlineData("LOAD without containerNumber", "containerNumber")]
    [InlineData("LOAD without modeOfTransport", "modeOfTransport")]
    [InlineData("CUSR without containerNumber", "containerNumber")]
    [InlineData("declarationNumber on an EQUIPMENT event", "declarationNumber")]
    [InlineData("unknown modeOfTransport", "modeOfTransport")]
    public async Task An_event_breaking_a_rule_is_rejected_naming_the_field(string what, string field)
    {
        var container = Ids.Container();
        var load = Json.Equipment("LOAD", container, Json.Shunde, "2020-11-30T08:55:00+08:00", "BARGE", Ids.Conveyance("BRG"));
        var release = Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T08:40:00+08:00");
        var e = what switch
        {
            "eventId of 101 characters" => load.With(("eventId", new string('E', 101))),
            "empty eventId" => load.With(("eventId", "")),
            "LOAD sent as a TRANSPORT event" => load.With(("eventType", "TRANSPORT")),
            "lower-case eventCode" => load.With(("eventCode", "load")),
            "unknown classifier" => load.With(("classifier", "GUESS")),
            "malformed location" => load.With(("location", "CN-SDE")),
            "LOAD without containerNumber" => load.With(("containerNumber", null)),
            "LOAD without modeOfTransport" => load.With(("modeOfTransport", null)),
            "CUSR without containerNumber" => release.With(("containerNumber", null)),
            "declarationNumber on an EQUIPMENT event" => load.With(("declarationNumber", "530120201000012345")),
            "unknown modeOfTransport" => load.With(("modeOfTransport", "PLANE")),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var result = (await api.Port.Post("/api/v1/events", Json.Batch([e]))).Expect(HttpStatusCode.OK).Body["results"]![0]!;

        Assert.Equal("REJECTED", (string?)result["status"]);
        Assert.Contains($"{field}:", Error(result));
    }

    [Fact]
    public async Task The_classifier_defaults_to_ACT()
    {
        var id = Ids.Shipment("ACT");
        var container = Ids.Container();
        await api.Book(Json.OnePortBooking(id, container, Ids.Conveyance("BRG"), Ids.Conveyance("VSL"), declaration: false));

        await api.Report(Json.Equipment("GTIN", container, Json.Shunde, "2020-11-30T07:00:00+08:00").With(("classifier", null)));

        var shipment = await api.Shipment(id);
        Assert.Equal("IN_TRANSIT", (string?)shipment["status"]);
        Assert.Equal("ACT", (string?)shipment["timeline"]![0]!["classifier"]);
    }

    [Fact]
    public async Task An_estimate_may_lie_further_ahead_than_a_day()
    {
        var results = await api.Submit([
            Json.Transport("ARRI", "BARGE", Ids.Conveyance("BRG"), Json.Nansha, Times.At(Times.Now + Duration.FromDays(5))).With(("classifier", "EST")),
        ]);

        Assert.Equal("ACCEPTED", (string?)results[0]!["status"]);
    }

    [Fact]
    public async Task The_same_event_id_again_is_a_duplicate_whatever_else_it_says()
    {
        var id = Ids.Shipment("DUP");
        var container = Ids.Container();
        var barge = Ids.Conveyance("BRG");
        await api.Book(Json.OnePortBooking(id, container, barge, Ids.Conveyance("VSL"), declaration: false));
        var release = Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T08:40:00+08:00");
        await api.Report(release);

        // Each in a batch of its own: within one batch the intake already drops repeated ids.
        foreach (var retry in new[]
        {
            release,
            release.With(("eventCode", "CUSH"), ("eventDateTime", "2020-11-30T10:00:00+08:00")),
            release.With(("containerNumber", Ids.Container())),
            Json.Transport("DEPA", "BARGE", barge, Json.Shunde, "2020-11-30T09:12:00+08:00").With(("eventId", (string?)release["eventId"])),
        })
        {
            var result = (await api.Submit([retry]))[0]!;
            Assert.True((string?)result["status"] == "DUPLICATE", $"{retry.ToJsonString()} -> {result.ToJsonString()}");
        }

        var shipment = await api.Shipment(id);
        Assert.Equal("RELEASED", (string?)shipment["customs"]!["status"]);
        Assert.Equal("PLANNED", (string?)shipment["legs"]![0]!["status"]);
        Assert.Equal((string?)release["eventId"], (string?)Assert.Single(shipment["timeline"]!.AsArray())!["eventId"]);
    }

    [Fact]
    public async Task The_same_event_id_twice_in_one_batch_is_accepted_once()
    {
        var container = Ids.Container();
        var gateIn = Json.Equipment("GTIN", container, Json.Shunde, "2020-11-30T07:00:00+08:00");
        var barge = Ids.Conveyance("BRG");
        var depart = Json.Transport("DEPA", "BARGE", barge, Json.Shunde, "2020-11-30T09:12:00+08:00");

        var results = await api.Submit([gateIn, depart, gateIn.With(("eventDateTime", "2020-11-30T07:30:00+08:00")), depart]);

        Assert.Equal(["ACCEPTED", "ACCEPTED", "DUPLICATE", "DUPLICATE"], results.Select(r => (string)r!["status"]!));
        var conveyance = (await api.Admin.Get($"/api/v1/conveyances/barge/{barge}")).Expect(HttpStatusCode.OK).Body;
        Assert.Single(conveyance["calls"]!.AsArray());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"events\": []}")]
    [InlineData("{\"events\": null}")]
    [InlineData("{\"events\": {}}")]
    [InlineData("{\"events\": [")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task A_body_that_is_not_a_batch_is_400(string body) =>
        (await api.Port.PostRaw("/api/v1/events", body)).Problem(HttpStatusCode.BadRequest);

    [Fact]
    public async Task More_than_1000_events_is_400_and_none_is_stored()
    {
        var container = Ids.Container();
        var events = Enumerable.Range(0, 1001)
            .Select(i => Json.Equipment("GTIN", container, Json.Shunde, Times.At(Instant.FromUtc(2020, 11, 30, 0, 0) + Duration.FromMinutes(i))))
            .ToList();

        var errors = (await api.Port.Post("/api/v1/events", Json.Batch(events))).ValidationErrors();
        Assert.True(errors.ContainsKey("events"), errors.ToJsonString());

        // Exactly 1000 is a batch, and none of them was seen before.
        var results = await api.Submit(events.Take(1000).ToList());
        Assert.All(results, r => Assert.Equal("ACCEPTED", (string?)r!["status"]));
    }

    [Fact]
    public async Task A_port_key_may_report_only_at_its_own_locations()
    {
        var container = Ids.Container();
        var barge = Ids.Conveyance("BRG");
        var atHome = Json.Equipment("LOAD", container, Json.Shunde, "2020-11-30T08:55:00+08:00", "BARGE", barge);
        var elsewhere = Json.Equipment("DISC", container, Json.Nansha, "2020-11-30T17:30:00+08:00", "BARGE", barge);

        var results = await api.Submit([atHome, elsewhere], Keys.ShundePort);

        Assert.Equal("ACCEPTED", (string?)results[0]!["status"]);
        Assert.Equal("REJECTED", (string?)results[1]!["status"]);
        Assert.Contains("location", Error(results[1]));
        Assert.Contains("CNNSA", Error(results[1]));

        // A port key for every location (and an admin) may report it; it was not stored when refused.
        Assert.Equal("ACCEPTED", (string?)(await api.Submit([elsewhere]))[0]!["status"]);
    }

    [Fact]
    public async Task A_rejected_event_changes_nothing()
    {
        var (id, container, barge) = await api.BookOnePort("REJ");
        var before = await api.Shipment(id);
        var conveyanceBefore = await api.Admin.Get($"/api/v1/conveyances/barge/{barge}");

        var noOffset = Json.Equipment("LOAD", container, Json.Shunde, "2020-11-30T08:55:00", "BARGE", barge);
        var wrongPlace = Json.Transport("ARRI", "BARGE", barge, Json.Nansha, "2020-11-30T17:00:00+08:00");
        Assert.Equal("REJECTED", (string?)(await api.Submit([noOffset]))[0]!["status"]);
        Assert.Equal("REJECTED", (string?)(await api.Submit([wrongPlace], Keys.ShundePort))[0]!["status"]);

        var after = await api.Shipment(id);
        Assert.True(JsonNode.DeepEquals(before, after), $"{before}\n!=\n{after}");
        var conveyanceAfter = await api.Admin.Get($"/api/v1/conveyances/barge/{barge}");
        Assert.Equal(conveyanceBefore.Text, conveyanceAfter.Text);

        // Neither id was recorded: corrected, both are new events.
        var corrected = await api.Submit([noOffset.With(("eventDateTime", "2020-11-30T08:55:00+08:00")), wrongPlace]);
        Assert.All(corrected, r => Assert.Equal("ACCEPTED", (string?)r!["status"]));
        Assert.Equal("ARRIVED", (string?)(await api.Shipment(id))["legs"]![0]!["status"]);
    }

    [Fact]
    public async Task An_event_that_is_not_an_object_is_rejected_alone()
    {
        var good = Json.Equipment("GTIN", Ids.Container(), Json.Shunde, "2020-11-30T07:00:00+08:00");
        var body = new StringBuilder().Append("{\"events\": [").Append(good.ToJsonString()).Append(", null]}").ToString();

        var results = (await api.Port.PostRaw("/api/v1/events", body)).Expect(HttpStatusCode.OK).Body["results"]!.AsArray();

        Assert.Equal(["ACCEPTED", "REJECTED"], results.Select(r => (string)r!["status"]!));
        Assert.False(string.IsNullOrWhiteSpace(Error(results[1])));
    }

    private static string Error(JsonNode? result) => (string?)result!["error"] ?? "";
}
