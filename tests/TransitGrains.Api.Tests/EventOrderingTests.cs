using System.Net;
using System.Text.Json.Nodes;
using NodaTime;

namespace TransitGrains.Api.Tests;

/// <summary>Port systems report first and out of order; the shipment must end up the same anyway.</summary>
[Collection(ApiCollection.Name)]
public sealed class EventOrderingTests(TransitApiFixture api)
{
    [Fact]
    public async Task Events_reported_before_the_booking_are_applied_when_it_arrives()
    {
        var id = Ids.Shipment("EARLY");
        var container = Ids.Container();
        var barge = Ids.Conveyance("BRG");
        var released = Times.Now - Duration.FromHours(5);
        var release = Json.Customs("CUSR", container, Json.Shunde, Times.At(released));
        var load = Json.Equipment("LOAD", container, Json.Shunde, Times.At(released + Duration.FromHours(1)), "BARGE", barge);
        var depart = Json.Transport("DEPA", "BARGE", barge, Json.Shunde, Times.At(released + Duration.FromHours(2)));

        var results = await api.Submit([release, load, depart]);
        Assert.All(results, r => Assert.Equal("ACCEPTED", (string?)r!["status"]));

        var booked = await api.Book(Json.OnePortBooking(id, container, barge, Ids.Conveyance("VSL")));

        foreach (var shipment in new[] { booked, await api.Shipment(id) })
        {
            Assert.Equal("IN_TRANSIT", (string?)shipment["status"]);
            var c = shipment["containers"]![0]!;
            Assert.Equal("ON_CONVEYANCE", (string?)c["status"]);
            Assert.Equal(barge, (string?)c["conveyanceId"]);
            Assert.Equal("CNSUD", (string?)c["location"]);
            Assert.Equal("DEPARTED", (string?)shipment["legs"]![0]!["status"]);
            Assert.Equal((string?)depart["eventDateTime"], (string?)shipment["legs"]![0]!["actualDeparture"]);
            Assert.Equal("RELEASED", (string?)shipment["customs"]!["status"]);
            Assert.Equal((string?)release["eventDateTime"], (string?)shipment["customs"]!["releasedAt"]);
            Assert.Equal("CNSUD", (string?)shipment["customs"]!["location"]);
            Assert.Equal("TRIGGERED", (string?)shipment["taxRefund"]!["status"]);
            Assert.Equal(
                [(string)release["eventId"]!, (string)load["eventId"]!, (string)depart["eventId"]!],
                shipment["timeline"]!.AsArray().Select(e => (string)e!["eventId"]!));
        }

        // Kept events were handed over, not forgotten: a retry of them is still a duplicate.
        Assert.All(await api.Submit([release, load, depart]), r => Assert.Equal("DUPLICATE", (string?)r!["status"]));
        Assert.Equal(3, (await api.Shipment(id))["timeline"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_arrival_received_before_its_departure_ends_in_the_same_state_as_the_ordered_pair()
    {
        const string departedAt = "2020-11-30T09:12:00+08:00";
        const string arrivedAt = "2020-11-30T16:48:00+08:00";
        var (ordered, orderedBarge) = await BookBargeShipment("ORDERED");
        var (reversed, reversedBarge) = await BookBargeShipment("REVERSED");

        await api.Report(
            Json.Transport("DEPA", "BARGE", orderedBarge, Json.Shunde, departedAt),
            Json.Transport("ARRI", "BARGE", orderedBarge, Json.Nansha, arrivedAt));
        await api.Report(
            Json.Transport("ARRI", "BARGE", reversedBarge, Json.Nansha, arrivedAt),
            Json.Transport("DEPA", "BARGE", reversedBarge, Json.Shunde, departedAt));

        var a = await api.Shipment(ordered);
        var b = await api.Shipment(reversed);
        Assert.Equal("ARRIVED", (string?)a["legs"]![0]!["status"]);
        Assert.Equal(departedAt, (string?)a["legs"]![0]!["actualDeparture"]);
        Assert.Equal(arrivedAt, (string?)a["legs"]![0]!["actualArrival"]);
        Assert.Equal("ON_CONVEYANCE", (string?)a["containers"]![0]!["status"]);
        Assert.Equal("CNNSA", (string?)a["containers"]![0]!["location"]);
        Assert.True(JsonNode.DeepEquals(State(a), State(b)), $"{State(a)}\n!=\n{State(b)}");
        Assert.Equal(
            a["timeline"]!.AsArray().Select(e => (string)e!["eventCode"]!),
            b["timeline"]!.AsArray().Select(e => (string)e!["eventCode"]!));

        var ca = (await api.Admin.Get($"/api/v1/conveyances/barge/{orderedBarge}")).Expect(HttpStatusCode.OK).Body;
        var cb = (await api.Admin.Get($"/api/v1/conveyances/barge/{reversedBarge}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("ARRIVED", (string?)ca["status"]);
        Assert.Equal("CNNSA", (string?)ca["lastLocation"]);
        Assert.True(
            JsonNode.DeepEquals(ca.With(("conveyanceId", null), ("aboard", null)), cb.With(("conveyanceId", null), ("aboard", null))),
            $"{ca}\n!=\n{cb}");
    }

    private async Task<(string ShipmentId, string Barge)> BookBargeShipment(string prefix)
    {
        var id = Ids.Shipment(prefix);
        var barge = Ids.Conveyance("BRG");
        await api.Book(Json.Booking(id, [Ids.Container()],
            [Json.Leg("BARGE", barge, Json.Shunde, Json.Nansha, "2020-11-30T09:00:00+08:00", "2020-11-30T17:00:00+08:00")]));
        return (id, barge);
    }

    /// <summary>Everything derived from the events, without what names this particular shipment.</summary>
    private static JsonObject State(JsonObject shipment)
    {
        var state = shipment.With(("shipmentId", null), ("timeline", null), ("bookedAt", null), ("etaHistory", null));
        foreach (var leg in state["legs"]!.AsArray())
        {
            leg!.AsObject().Remove("conveyanceId");
        }

        foreach (var container in state["containers"]!.AsArray())
        {
            container!.AsObject().Remove("containerNumber");
            container.AsObject().Remove("conveyanceId");
        }

        return state;
    }
}
