using System.Net;
using System.Text.Json.Nodes;
using NodaTime;

namespace TransitGrains.Api.Tests;

/// <summary>
/// The Bay Area "one port" export of domain.md, step by step: released at Shunde, barge to Nansha, onto the
/// ocean vessel, discharged at Rotterdam. Times are recent so that the refund's exit deadline lies ahead.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OnePortWalkthroughTests(TransitApiFixture api)
{
    [Fact]
    public async Task Book_release_barge_vessel_and_discharge_completes_the_shipment()
    {
        var id = Ids.Shipment("ONEPORT");
        var container = Ids.Container();
        var barge = Ids.Conveyance("SUIGANG903");
        var vessel = Ids.Conveyance("COSCOPRIDE");
        var start = Times.Now - Duration.FromHours(12);
        string China(double hours) => Times.At(start + Duration.FromMinutes((long)(hours * 60)));
        string Rotterdam(double hours) => Times.At(start + Duration.FromMinutes((long)(hours * 60)), offsetHours: 1);

        // Each step is its own batch, as a port reports it, followed by what the forwarder then sees.
        async Task<JsonObject> Step(JsonObject e)
        {
            await api.Report(e);
            return await api.Shipment(id);
        }

        var booked = await api.Book(Json.OnePortBooking(id, container, barge, vessel));
        Assert.Equal("BOOKED", (string?)booked["status"]);
        Assert.Equal("PENDING", (string?)booked["taxRefund"]!["status"]);

        var release = Json.Customs("CUSR", container, Json.Shunde, China(0));
        var shipment = await Step(release);
        Assert.Equal("IN_TRANSIT", (string?)shipment["status"]);
        Assert.Equal("RELEASED", (string?)shipment["customs"]!["status"]);
        Assert.Equal(China(0), (string?)shipment["customs"]!["releasedAt"]);
        AssertContainer(shipment, "AT_FACILITY", "CNSUD", null);
        Assert.Equal("PENDING", (string?)shipment["taxRefund"]!["status"]);

        shipment = await Step(Json.Equipment("LOAD", container, Json.Shunde, China(1), "BARGE", barge));
        AssertContainer(shipment, "ON_CONVEYANCE", "CNSUD", barge);
        Assert.Equal("LOADING", (string?)shipment["legs"]![0]!["status"]);

        var bargeDeparture = Json.Transport("DEPA", "BARGE", barge, Json.Shunde, China(1.5));
        shipment = await Step(bargeDeparture);
        Assert.Equal("DEPARTED", (string?)shipment["legs"]![0]!["status"]);
        Assert.Equal(China(1.5), (string?)shipment["legs"]![0]!["actualDeparture"]);
        Assert.Equal("TRIGGERED", (string?)shipment["taxRefund"]!["status"]);
        Assert.Equal(["REFUND_ELIGIBLE"], Kinds(shipment));

        shipment = await Step(Json.Transport("ARRI", "BARGE", barge, Json.Nansha, China(5)));
        Assert.Equal("ARRIVED", (string?)shipment["legs"]![0]!["status"]);
        Assert.Equal(China(5), (string?)shipment["legs"]![0]!["actualArrival"]);
        AssertContainer(shipment, "ON_CONVEYANCE", "CNNSA", barge);
        Assert.Equal(0, (int?)shipment["currentLeg"]);

        shipment = await Step(Json.Equipment("DISC", container, Json.Nansha, China(5.5), "BARGE", barge));
        AssertContainer(shipment, "AT_FACILITY", "CNNSA", null);
        Assert.Equal("COMPLETED", (string?)shipment["legs"]![0]!["status"]);
        Assert.Equal(1, (int?)shipment["currentLeg"]);
        Assert.Equal("PLANNED", (string?)shipment["legs"]![1]!["status"]);

        shipment = await Step(Json.Equipment("LOAD", container, Json.Nansha, China(6), "VESSEL", vessel));
        AssertContainer(shipment, "ON_CONVEYANCE", "CNNSA", vessel);
        Assert.Equal("LOADING", (string?)shipment["legs"]![1]!["status"]);
        Assert.Equal("TRIGGERED", (string?)shipment["taxRefund"]!["status"]);

        shipment = await Step(Json.Transport("DEPA", "VESSEL", vessel, Json.Nansha, China(7)));
        Assert.Equal("DEPARTED", (string?)shipment["legs"]![1]!["status"]);
        Assert.Equal(China(7), (string?)shipment["legs"]![1]!["actualDeparture"]);
        Assert.Equal("EXIT_CONFIRMED", (string?)shipment["taxRefund"]!["status"]);
        Assert.Equal(["REFUND_ELIGIBLE", "EXIT_CONFIRMED"], Kinds(shipment));
        Assert.Equal($"{id}:EXIT_CONFIRMED", (string?)shipment["taxRefund"]!["triggers"]![1]!["messageId"]);

        var arrival = Rotterdam(10);
        shipment = await Step(Json.Transport("ARRI", "VESSEL", vessel, Json.Rotterdam, arrival));
        Assert.Equal("ARRIVED", (string?)shipment["legs"]![1]!["status"]);
        Assert.Equal(arrival, (string?)shipment["legs"]![1]!["actualArrival"]);
        Assert.Equal(arrival, (string?)shipment["eta"]);
        AssertContainer(shipment, "ON_CONVEYANCE", "NLRTM", vessel);
        Assert.Equal("IN_TRANSIT", (string?)shipment["status"]);

        var discharge = Json.Equipment("DISC", container, Json.Rotterdam, Rotterdam(11), "VESSEL", vessel);
        shipment = await Step(discharge);
        Assert.Equal("COMPLETED", (string?)shipment["status"]);
        AssertContainer(shipment, "DELIVERED", "NLRTM", null);
        Assert.Equal(["COMPLETED", "COMPLETED"], shipment["legs"]!.AsArray().Select(l => (string)l!["status"]!));
        Assert.Equal(1, (int?)shipment["currentLeg"]);
        Assert.Equal(arrival, (string?)shipment["eta"]);
        Assert.Equal("EXIT_CONFIRMED", (string?)shipment["taxRefund"]!["status"]);

        // A port's retry of the last events changes nothing.
        var retries = await api.Submit([discharge, bargeDeparture, release]);
        Assert.All(retries, r => Assert.Equal("DUPLICATE", (string?)r!["status"]));

        var final = await api.Shipment(id);
        var timeline = final["timeline"]!.AsArray();
        Assert.Equal(
            ["CUSR", "LOAD", "DEPA", "ARRI", "DISC", "LOAD", "DEPA", "ARRI", "DISC"],
            timeline.Select(e => (string)e!["eventCode"]!));
        Assert.Equal(timeline.Count, timeline.Select(e => (string)e!["eventId"]!).Distinct().Count());
        var times = timeline.Select(e => Times.Parse((string)e!["eventDateTime"]!)).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(timeline, e =>
        {
            Times.AssertHasOffset((string?)e!["eventDateTime"]);
            Assert.EndsWith("Z", (string?)e["receivedAt"]);
            Assert.Contains((string?)e["containerNumber"], new[] { null, container });
        });

        var first = timeline[0]!;
        Assert.Equal("CUSTOMS", (string?)first["eventType"]);
        Assert.Equal("ACT", (string?)first["classifier"]);
        Assert.Equal("CNSUD", (string?)first["location"]);
        var lastEntry = timeline[^1]!;
        Assert.Equal("EQUIPMENT", (string?)lastEntry["eventType"]);
        Assert.Equal("VESSEL", (string?)lastEntry["modeOfTransport"]);
        Assert.Equal(vessel, (string?)lastEntry["conveyanceId"]);
        Assert.Equal(Rotterdam(11), (string?)lastEntry["eventDateTime"]);

        // A completed shipment can no longer be cancelled, and frees its container.
        (await api.Forwarder.Delete($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.Conflict);
        await api.Book(Json.OnePortBooking(Ids.Shipment("ONEPORT-NEXT"), container, Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));
    }

    private static string[] Kinds(JsonObject shipment) =>
        shipment["taxRefund"]!["triggers"]!.AsArray().Select(t => (string)t!["kind"]!).ToArray();

    private static void AssertContainer(JsonObject shipment, string status, string location, string? conveyanceId)
    {
        var container = shipment["containers"]![0]!;
        Assert.Equal(status, (string?)container["status"]);
        Assert.Equal(location, (string?)container["location"]);
        Assert.Equal(conveyanceId, (string?)container["conveyanceId"]);
    }
}
