using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary>api.md, "Times in their place's zone": whatever offset a reporter used, a time is answered in its place's zone.</summary>
[Collection(ApiCollection.Name)]
public sealed class PlaceTimeTests(TransitApiFixture api)
{
    private static JsonNode TimelineEntry(JsonObject shipment, string eventId) =>
        shipment["timeline"]!.AsArray().Single(e => (string?)e!["eventId"] == eventId)!;

    [Fact]
    public async Task A_return_trains_arrival_at_Dalang_reported_in_Moscow_time_is_answered_in_China_time()
    {
        var (id, container, train) = (Ids.Shipment("RET"), Ids.Container(), Ids.Conveyance("X8001"));
        await api.Book(Json.Booking(id, [container],
            [Json.Leg("RAIL", train, Json.Moscow, Json.Dalang, "2026-10-29T10:00:00+03:00", "2026-11-13T12:00:00Z")]));

        // Russian rail systems report in Moscow time, wherever the train is.
        var departure = Json.Transport("DEPA", "RAIL", train, Json.Moscow, "2026-10-29T10:20:00+03:00");
        var arrival = Json.Transport("ARRI", "RAIL", train, Json.Dalang, "2026-11-13T18:00:00+03:00");
        await api.Report(departure, arrival);

        var shipment = await api.Shipment(id);
        var leg = shipment["legs"]![0]!;
        Assert.Equal("2026-10-29T10:20:00+03:00", (string?)leg["actualDeparture"]);
        Assert.Equal("2026-11-13T20:00:00+08:00", (string?)leg["plannedArrival"]);
        Assert.Equal("2026-11-13T23:00:00+08:00", (string?)leg["actualArrival"]);
        Assert.Equal("2026-11-13T23:00:00+08:00", (string?)shipment["eta"]);
        Assert.Equal("2026-11-13T23:00:00+08:00", (string?)TimelineEntry(shipment, (string)arrival["eventId"]!)["eventDateTime"]);
        Assert.Equal("2026-11-13T23:00:00+08:00", (string?)shipment["etaHistory"]!.AsArray()[^1]!["eta"]);

        var conveyance = (await api.Admin.Get($"/api/v1/conveyances/rail/{train}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("2026-11-13T23:00:00+08:00", (string?)conveyance["lastEventDateTime"]);
        Assert.Equal(["2026-10-29T10:20:00+03:00", "2026-11-13T23:00:00+08:00"],
            conveyance["calls"]!.AsArray().Select(c => (string?)c!["eventDateTime"]));
    }

    [Fact]
    public async Task A_Duisburg_arrival_reported_in_UTC_in_July_is_answered_in_German_summer_time()
    {
        var (id, container, train) = (Ids.Shipment("DUI"), Ids.Container(), Ids.Conveyance("X8002"));
        await api.Book(Json.Booking(id, [container], [Json.Leg("RAIL", train, Json.Dalang, "DEDUI")]));

        var arrival = Json.Transport("ARRI", "RAIL", train, "DEDUI", "2026-07-10T08:00:00Z");
        await api.Report(Json.Transport("DEPA", "RAIL", train, Json.Dalang, "2026-06-22T02:00:00Z"), arrival);

        var shipment = await api.Shipment(id);
        Assert.Equal("2026-06-22T10:00:00+08:00", (string?)shipment["legs"]![0]!["actualDeparture"]);
        Assert.Equal("2026-07-10T10:00:00+02:00", (string?)shipment["legs"]![0]!["actualArrival"]);
        Assert.Equal("2026-07-10T10:00:00+02:00", (string?)shipment["eta"]);
        Assert.Equal("2026-07-10T10:00:00+02:00", (string?)TimelineEntry(shipment, (string)arrival["eventId"]!)["eventDateTime"]);
    }

    [Fact]
    public async Task A_Manzhouli_border_crossing_reported_in_Moscow_time_is_answered_in_China_time()
    {
        var (id, container, train) = (Ids.Shipment("MZL"), Ids.Container(), Ids.Conveyance("RZD1044"));
        await api.Book(Json.Booking(id, [container], [Json.Leg("RAIL", train, Json.Manzhouli, Json.Moscow)]));

        var crossing = Json.Transport("CROS", "RAIL", train, Json.Manzhouli, "2026-11-09T04:00:00+03:00");
        await api.Report(Json.Transport("DEPA", "RAIL", train, Json.Manzhouli, "2026-11-09T00:30:00Z"), crossing);

        var shipment = await api.Shipment(id);
        Assert.Equal("2026-11-09T08:30:00+08:00", (string?)shipment["legs"]![0]!["actualDeparture"]);
        Assert.Equal("2026-11-09T09:00:00+08:00", (string?)TimelineEntry(shipment, (string)crossing["eventId"]!)["eventDateTime"]);
        var conveyance = (await api.Admin.Get($"/api/v1/conveyances/rail/{train}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("2026-11-09T09:00:00+08:00", (string?)conveyance["lastEventDateTime"]);
    }

    [Fact]
    public async Task A_customs_release_reported_in_UTC_is_answered_in_the_ports_time()
    {
        var (id, container, _) = await api.BookOnePort("CUSZ");

        await api.Report(Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T00:40:00Z"));

        var customs = (await api.Shipment(id))["customs"]!;
        Assert.Equal(("RELEASED", "2020-11-30T08:40:00+08:00"), ((string?)customs["status"], (string?)customs["releasedAt"]));
    }

    [Fact]
    public async Task A_place_the_service_cannot_place_keeps_the_reported_offset_as_the_OpenAPI_document_says()
    {
        var (id, container, truck) = (Ids.Shipment("UNK"), Ids.Container(), Ids.Conveyance("TRK"));
        await api.Book(Json.Booking(id, [container], [Json.Leg("TRUCK", truck, "USLAX", "USLGB")]));

        await api.Report(Json.Transport("DEPA", "TRUCK", truck, "USLAX", "2026-11-09T04:00:00+03:00"));

        Assert.Equal("2026-11-09T04:00:00+03:00", (string?)(await api.Shipment(id))["legs"]![0]!["actualDeparture"]);
        var description = (string?)(await api.Anonymous.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK).Body["info"]!["description"];
        Assert.Contains("A location the table cannot place keeps the offset it was reported with.", description);
    }
}
