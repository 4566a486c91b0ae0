using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary>One train event applies to every container aboard: 40 shipments on X8426 leaving Dalang for Moscow.</summary>
[Collection(ApiCollection.Name)]
public sealed class ChinaEuropeTrainTests(TransitApiFixture api)
{
    private const string Train = "X8426-20210115";
    private const string DepartedAt = "2021-01-15T10:30:00+08:00";
    private const string CrossedAt = "2021-01-20T14:05:00+08:00";

    [Fact]
    public async Task One_departure_moves_all_40_shipments_and_the_train_shows_who_is_aboard()
    {
        // Every tenth shipment belongs to the other forwarder, to check what each one may see aboard.
        var shipments = Enumerable.Range(0, 40).Select(i => (
            Id: Ids.Shipment("X8426"),
            Container: Ids.Container(),
            Key: i % 10 == 0 ? Keys.OtherForwarder : Keys.Forwarder)).ToList();
        await Task.WhenAll(shipments.Select(s => api.Book(
            Json.Booking(s.Id, [s.Container],
                [Json.Leg("RAIL", Train, Json.Dalang, Json.Moscow, "2021-01-15T10:00:00+08:00", "2021-01-30T12:00:00+03:00")],
                tradeMode: "CBEC_B2B_9810"),
            s.Key)));

        var loads = shipments.Select((s, i) =>
            Json.Equipment("LOAD", s.Container, Json.Dalang, $"2021-01-15T08:{i:D2}:00+08:00", "RAIL", Train)).ToList();
        Assert.All(await api.Submit(loads), r => Assert.Equal("ACCEPTED", (string?)r!["status"]));
        var loading = await api.Shipment(shipments[1].Id);
        Assert.Equal("LOADING", (string?)loading["legs"]![0]!["status"]);

        await api.Report(Json.Transport("DEPA", "RAIL", Train, Json.Dalang, DepartedAt));

        var views = await Task.WhenAll(shipments.Select(s => api.Shipment(s.Id, s.Key)));
        foreach (var (view, s) in views.Zip(shipments))
        {
            Assert.Equal("IN_TRANSIT", (string?)view["status"]);
            Assert.Equal("DEPARTED", (string?)view["legs"]![0]!["status"]);
            Assert.Equal(DepartedAt, (string?)view["legs"]![0]!["actualDeparture"]);
            var container = view["containers"]![0]!;
            Assert.Equal(s.Container, (string?)container["containerNumber"]);
            Assert.Equal("ON_CONVEYANCE", (string?)container["status"]);
            Assert.Equal(Train, (string?)container["conveyanceId"]);
            Assert.Equal("CNDLG", (string?)container["location"]);
            // Planned arrival shifted by the 30 minutes the train left late.
            Assert.Equal("2021-01-30T12:30:00+03:00", (string?)view["eta"]);
            Assert.Equal("NOT_APPLICABLE", (string?)view["taxRefund"]!["status"]);
        }

        var all = shipments.Select(s => s.Container).Order(StringComparer.Ordinal).ToList();
        var train = await Conveyance(Keys.Admin);
        Assert.Equal("RAIL", (string?)train["mode"]);
        Assert.Equal(Train, (string?)train["conveyanceId"]);
        Assert.Equal("DEPARTED", (string?)train["status"]);
        Assert.Equal("CNDLG", (string?)train["lastLocation"]);
        Assert.Equal(DepartedAt, (string?)train["lastEventDateTime"]);
        Assert.Equal(all, Json.Strings(train["aboard"]).Order(StringComparer.Ordinal));
        Assert.Equal(all, Json.Strings((await Conveyance(Keys.Port))["aboard"]).Order(StringComparer.Ordinal));

        Assert.Equal(
            shipments.Where(s => s.Key == Keys.Forwarder).Select(s => s.Container).Order(StringComparer.Ordinal),
            Json.Strings((await Conveyance(Keys.Forwarder))["aboard"]).Order(StringComparer.Ordinal));
        Assert.Equal(
            shipments.Where(s => s.Key == Keys.OtherForwarder).Select(s => s.Container).Order(StringComparer.Ordinal),
            Json.Strings((await Conveyance(Keys.OtherForwarder))["aboard"]).Order(StringComparer.Ordinal));

        // Crossing the border at Manzhouli: still DEPARTED, and a call of its own.
        await api.Report(Json.Transport("CROS", "RAIL", Train, Json.Manzhouli, CrossedAt));

        train = await Conveyance(Keys.Admin);
        Assert.Equal("DEPARTED", (string?)train["status"]);
        Assert.Equal("CNMZL", (string?)train["lastLocation"]);
        Assert.Equal(CrossedAt, (string?)train["lastEventDateTime"]);
        var calls = train["calls"]!.AsArray();
        Assert.Equal(2, calls.Count);
        AssertCall(calls[0]!, "CNDLG", "DEPA", DepartedAt);
        AssertCall(calls[1]!, "CNMZL", "CROS", CrossedAt);
        Assert.Equal(40, train["aboard"]!.AsArray().Count);

        var crossed = await Task.WhenAll(shipments.Select(s => api.Shipment(s.Id, s.Key)));
        Assert.All(crossed, view =>
        {
            Assert.Equal("DEPARTED", (string?)view["legs"]![0]!["status"]);
            Assert.Equal("CNMZL", (string?)view["containers"]![0]!["location"]);
            Assert.Equal(["LOAD", "DEPA", "CROS"], view["timeline"]!.AsArray().Select(e => (string)e!["eventCode"]!));
        });
    }

    [Fact]
    public async Task An_unknown_conveyance_is_404()
    {
        var problem = (await api.Forwarder.Get($"/api/v1/conveyances/rail/{Ids.Conveyance("NOTRAIN")}")).Problem(HttpStatusCode.NotFound);
        Assert.Contains("NOTRAIN", (string?)problem["detail"]);
    }

    [Theory]
    [InlineData("plane", "mode")]
    [InlineData("RAILWAY", "mode")]
    [InlineData("rail/X8426%2F20210115", "conveyanceId")]
    public async Task A_bad_mode_or_conveyance_id_is_400(string path, string field)
    {
        var target = path.Contains('/', StringComparison.Ordinal) ? path : $"{path}/{Train}";
        var errors = (await api.Forwarder.Get($"/api/v1/conveyances/{target}")).ValidationErrors();
        Assert.True(errors.ContainsKey(field), errors.ToJsonString());
    }

    private async Task<JsonObject> Conveyance(string key) =>
        (await api.As(key).Get($"/api/v1/conveyances/rail/{Train}")).Expect(HttpStatusCode.OK).Body;

    private static void AssertCall(JsonNode call, string location, string eventCode, string at)
    {
        Assert.Equal(location, (string?)call["location"]);
        Assert.Equal(eventCode, (string?)call["eventCode"]);
        Assert.Equal(at, (string?)call["eventDateTime"]);
    }
}
