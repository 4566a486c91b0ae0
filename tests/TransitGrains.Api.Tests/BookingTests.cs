using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class BookingTests(TransitApiFixture api)
{
    [Fact]
    public async Task Booking_is_201_with_location_and_the_shipment()
    {
        var id = Ids.Shipment("BOOK");
        var container = Ids.Container();
        var barge = Ids.Conveyance("BRG");
        var vessel = Ids.Conveyance("VSL");

        var response = (await api.Forwarder.Post("/api/v1/shipments", Json.OnePortBooking(id, container, barge, vessel)))
            .Expect(HttpStatusCode.Created);

        Assert.NotNull(response.Location);
        Assert.Equal($"/api/v1/shipments/{id}", new Uri(api.BaseAddress, response.Location).AbsolutePath);
        // Offsets are written literally, not as the HTML-safe \u002B escape.
        Assert.Contains("\"plannedDeparture\":\"2020-11-30T09:00:00+08:00\"", response.Text);
        var shipment = response.Body;
        Assert.Equal(id, (string?)shipment["shipmentId"]);
        Assert.Equal(Keys.ForwarderCode, (string?)shipment["forwarder"]);
        Assert.Equal("GENERAL", (string?)shipment["tradeMode"]);
        Assert.Equal("BOOKED", (string?)shipment["status"]);
        Assert.Equal(0, (int?)shipment["currentLeg"]);

        var c = shipment["containers"]!.AsArray().Single()!;
        Assert.Equal(container, (string?)c["containerNumber"]);
        Assert.Equal("EXPECTED", (string?)c["status"]);
        Assert.Null(c["location"]);
        Assert.Null(c["conveyanceId"]);

        var legs = shipment["legs"]!.AsArray();
        Assert.Equal(2, legs.Count);
        AssertLeg(legs[0]!, "BARGE", barge, "CNSUD", "CNNSA", "2020-11-30T09:00:00+08:00", "2020-11-30T17:00:00+08:00");
        AssertLeg(legs[1]!, "VESSEL", vessel, "CNNSA", "NLRTM", "2020-12-02T22:00:00+08:00", "2021-01-08T06:00:00+01:00");

        // With nothing reported, the ETA is the last leg's planned arrival, in the destination's offset.
        Assert.Equal("2021-01-08T06:00:00+01:00", (string?)shipment["eta"]);
        Assert.Equal("DECLARED", (string?)shipment["customs"]!["status"]);

        var refund = shipment["taxRefund"]!;
        Assert.Equal("PENDING", (string?)refund["status"]);
        Assert.Equal("CNSUD", (string?)refund["departurePort"]);
        Assert.Equal("CNNSA", (string?)refund["exitPort"]);
        Assert.Empty(refund["triggers"]!.AsArray());
        Assert.Empty(shipment["timeline"]!.AsArray());

        // The Location answers with the same shipment.
        var located = (await api.Forwarder.Get(response.Location!.ToString())).Expect(HttpStatusCode.OK).Body;
        Assert.True(JsonNode.DeepEquals(shipment, located), $"{shipment}\n!=\n{located}");
    }

    [Fact]
    public async Task Same_request_again_is_200_with_the_same_shipment()
    {
        var booking = Json.OnePortBooking(Ids.Shipment("IDEM"), Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL"));
        var created = await api.Book(booking);

        var again = (await api.Forwarder.Post("/api/v1/shipments", booking)).Expect(HttpStatusCode.OK);

        Assert.Null(again.Location);
        Assert.True(JsonNode.DeepEquals(created, again.Body), $"{created}\n!=\n{again.Body}");
    }

    [Fact]
    public async Task Same_shipment_id_with_another_body_is_409_and_the_first_booking_stays()
    {
        var id = Ids.Shipment("CONF");
        var booking = Json.OnePortBooking(id, Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL"));
        var created = await api.Book(booking);

        (await api.Forwarder.Post("/api/v1/shipments", booking.With(("tradeMode", "POSTAL")))).Problem(HttpStatusCode.Conflict);

        var stored = await api.Shipment(id);
        Assert.Equal("GENERAL", (string?)stored["tradeMode"]);
        Assert.True(JsonNode.DeepEquals(created, stored));
    }

    [Fact]
    public async Task Invalid_booking_is_400_naming_each_bad_field()
    {
        var container = Ids.Container();
        var booking = Json.Booking("x", [Ids.WithWrongCheckDigit(container)],
        [
            Json.Leg("BARGE", Ids.Conveyance("BRG"), "CNSUD", "CNNSA"),
            Json.Leg("VESSEL", Ids.Conveyance("VSL"), "CNHUA", "NLRTM"),
        ], tradeMode: "GENERIC");

        var errors = (await api.Forwarder.Post("/api/v1/shipments", booking)).ValidationErrors();

        Assert.Contains("shipmentId", errors.Select(e => e.Key));
        Assert.Contains("containers[0]", errors.Select(e => e.Key));
        Assert.Contains("legs[1].from", errors.Select(e => e.Key));
        Assert.Contains("tradeMode", errors.Select(e => e.Key));
        Assert.Contains("check digit", (string?)errors["containers[0]"]![0]);
    }

    [Theory]
    [InlineData("planned arrival before departure", "legs[0].plannedArrival")]
    [InlineData("time without offset", "legs[0].plannedDeparture")]
    [InlineData("no containers", "containers")]
    [InlineData("repeated container", "containers[1]")]
    [InlineData("unknown mode", "legs[0].mode")]
    [InlineData("conveyance id with a slash", "legs[0].conveyanceId")]
    [InlineData("bad location", "legs[0].to")]
    [InlineData("no legs", "legs")]
    [InlineData("501 containers", "containers")]
    [InlineData("11 legs", "legs")]
    [InlineData("shipment id of 41 characters", "shipmentId")]
    [InlineData("declaration without a number", "exportDeclaration.number")]
    public async Task Invalid_booking_is_400_and_books_nothing(string what, string field)
    {
        var id = Ids.Shipment("BAD");
        var container = Ids.Container();
        var leg = Json.Leg("BARGE", Ids.Conveyance("BRG"), "CNSUD", "CNNSA", "2020-11-30T09:00:00+08:00", "2020-11-30T17:00:00+08:00");
        var booking = what switch
        {
            "planned arrival before departure" => Json.Booking(id, [container], [leg.With(("plannedArrival", "2020-11-30T08:00:00+08:00"))]),
            "time without offset" => Json.Booking(id, [container], [leg.With(("plannedDeparture", "2020-11-30T09:00:00"))]),
            "no containers" => Json.Booking(id, [], [leg]),
            "repeated container" => Json.Booking(id, [container, container], [leg]),
            "unknown mode" => Json.Booking(id, [container], [leg.With(("mode", "PLANE"))]),
            "conveyance id with a slash" => Json.Booking(id, [container], [leg.With(("conveyanceId", "SUIGANG/903"))]),
            "bad location" => Json.Booking(id, [container], [leg.With(("to", "nansha"))]),
            "no legs" => Json.Booking(id, [container], []),
            "501 containers" => Json.Booking(id, [container, .. Enumerable.Range(0, 500).Select(_ => Ids.Container())], [leg]),
            "11 legs" => Json.Booking(id, [container], Enumerable.Range(0, 11).Select(i =>
                Json.Leg("TRUCK", Ids.Conveyance("TRK"), i % 2 == 0 ? "CNSUD" : "CNNSA", i % 2 == 0 ? "CNNSA" : "CNSUD"))),
            "shipment id of 41 characters" => Json.Booking(id.PadRight(41, 'X'), [container], [leg]),
            "declaration without a number" => WithDeclarationNumber(Json.Booking(id, [container], [leg], declaration: true), null),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var errors = (await api.Forwarder.Post("/api/v1/shipments", booking)).ValidationErrors();

        Assert.True(errors.ContainsKey(field), $"{what}: expected errors to name {field}: {errors.ToJsonString()}");
        (await api.Admin.Get($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.NotFound);
        // The refused booking claimed nothing: the container can be booked at once.
        await api.Book(Json.Booking(Ids.Shipment("BAD-OK"), [container], [Json.Leg("BARGE", Ids.Conveyance("BRG"), "CNSUD", "CNNSA")]));
    }

    [Fact]
    public async Task Admin_must_name_the_forwarder()
    {
        var booking = Json.OnePortBooking(Ids.Shipment("ADM"), Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL"));

        var errors = (await api.Admin.Post("/api/v1/shipments", booking)).ValidationErrors();
        Assert.True(errors.ContainsKey("forwarder"), errors.ToJsonString());

        var booked = await api.Book(booking.With(("forwarder", Keys.OtherForwarderCode)), Keys.Admin);
        Assert.Equal(Keys.OtherForwarderCode, (string?)booked["forwarder"]);
        (await api.Forwarder.Get($"/api/v1/shipments/{(string?)booked["shipmentId"]}")).Problem(HttpStatusCode.NotFound);
        await api.Shipment((string)booked["shipmentId"]!, Keys.OtherForwarder);
    }

    [Fact]
    public async Task A_container_on_an_active_shipment_cannot_be_booked_again_until_that_one_is_cancelled()
    {
        var container = Ids.Container();
        var first = Ids.Shipment("FIRST");
        var second = Ids.Shipment("SECOND");
        await api.Book(Json.OnePortBooking(first, container, Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));
        var secondBooking = Json.OnePortBooking(second, container, Ids.Conveyance("BRG"), Ids.Conveyance("VSL"));

        var problem = (await api.Forwarder.Post("/api/v1/shipments", secondBooking)).Problem(HttpStatusCode.Conflict);
        Assert.Contains(first, (string?)problem["detail"]);
        Assert.Contains(container, (string?)problem["detail"]);
        (await api.Forwarder.Get($"/api/v1/shipments/{second}")).Problem(HttpStatusCode.NotFound);

        // Another forwarder is refused just the same: a container is on one active shipment, whoever booked it.
        (await api.OtherForwarder.Post("/api/v1/shipments", secondBooking)).Problem(HttpStatusCode.Conflict);

        (await api.Forwarder.Delete($"/api/v1/shipments/{first}")).Expect(HttpStatusCode.OK);

        var booked = await api.Book(secondBooking);
        Assert.Equal("BOOKED", (string?)booked["status"]);
        Assert.Equal(container, (string?)booked["containers"]![0]!["containerNumber"]);
    }

    [Fact]
    public async Task A_booking_refused_for_one_busy_container_does_not_keep_the_others()
    {
        var busy = Ids.Container();
        var free = Ids.Container();
        await api.Book(Json.OnePortBooking(Ids.Shipment("BUSY"), busy, Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));
        var refusedId = Ids.Shipment("REFUSED");
        var refused = Json.Booking(refusedId, [free, busy], [Json.Leg("BARGE", Ids.Conveyance("BRG"), Json.Shunde, Json.Nansha)]);
        (await api.Forwarder.Post("/api/v1/shipments", refused)).Problem(HttpStatusCode.Conflict);

        // An event for the free container must wait for a real booking, not go to the refused one.
        var gateIn = Json.Equipment("GTIN", free, Json.Shunde, "2020-11-30T07:00:00+08:00");
        await api.Report(gateIn);
        var next = Ids.Shipment("NEXT");
        await api.Book(Json.OnePortBooking(next, free, Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));

        var shipment = await api.Shipment(next);
        Assert.Equal((string?)gateIn["eventId"], (string?)Assert.Single(shipment["timeline"]!.AsArray())!["eventId"]);
        Assert.Equal("AT_FACILITY", (string?)shipment["containers"]![0]!["status"]);
        var listed = (await api.Forwarder.Get($"/api/v1/shipments?container={free}")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Equal([next], listed.Select(i => (string)i!["shipmentId"]!));
    }

    private static JsonObject WithDeclarationNumber(JsonObject booking, string? number)
    {
        booking["exportDeclaration"]!["number"] = number;
        return booking;
    }

    private static void AssertLeg(JsonNode leg, string mode, string conveyanceId, string from, string to, string plannedDeparture, string plannedArrival)
    {
        Assert.Equal(mode, (string?)leg["mode"]);
        Assert.Equal(conveyanceId, (string?)leg["conveyanceId"]);
        Assert.Equal(from, (string?)leg["from"]);
        Assert.Equal(to, (string?)leg["to"]);
        Assert.Equal("PLANNED", (string?)leg["status"]);
        Assert.Equal(plannedDeparture, (string?)leg["plannedDeparture"]);
        Assert.Equal(plannedArrival, (string?)leg["plannedArrival"]);
        Assert.Null(leg["actualDeparture"]);
        Assert.Null(leg["actualArrival"]);
        Assert.Null(leg["estimatedDeparture"]);
        Assert.Null(leg["estimatedArrival"]);
    }
}
