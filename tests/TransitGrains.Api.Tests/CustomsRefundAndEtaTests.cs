using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class CustomsRefundAndEtaTests(TransitApiFixture api)
{
    [Fact]
    public async Task Customs_status_follows_the_latest_customs_event()
    {
        var (id, container, _) = await api.BookOnePort("CUSTOMS");

        await api.Report(Json.Customs("CUSI", container, Json.Shunde, "2020-11-30T07:10:00+08:00"));
        Assert.Equal("INSPECTION", await CustomsStatus(id));

        await api.Report(Json.Customs("CUSH", container, Json.Shunde, "2020-11-30T07:40:00+08:00"));
        var held = (await api.Shipment(id))["customs"]!;
        Assert.Equal("HELD", (string?)held["status"]);
        Assert.Equal("CNSUD", (string?)held["location"]);

        await api.Report(Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T08:40:00+08:00"));
        var released = (await api.Shipment(id))["customs"]!;
        Assert.Equal("RELEASED", (string?)released["status"]);
        Assert.Equal("2020-11-30T08:40:00+08:00", (string?)released["releasedAt"]);
    }

    [Theory]
    [InlineData("no declaration", "NOT_DECLARED")]
    [InlineData("dangerous goods", "DECLARED")]
    [InlineData("route without a departure port", "DECLARED")]
    public async Task A_shipment_that_does_not_qualify_has_no_refund(string why, string customs)
    {
        var id = Ids.Shipment("NOREFUND");
        var container = Ids.Container();
        var barge = Ids.Conveyance("BRG");
        var booking = why switch
        {
            "no declaration" => Json.OnePortBooking(id, container, barge, Ids.Conveyance("VSL"), declaration: false),
            "dangerous goods" => Json.OnePortBooking(id, container, barge, Ids.Conveyance("VSL")),
            _ => Json.Booking(id, [container], [Json.Leg("BARGE", barge, Json.Shunde, "HKHKG")], declaration: true),
        };
        if (why == "dangerous goods")
        {
            booking["exportDeclaration"]!["dangerousGoods"] = true;
        }

        var booked = await api.Book(booking);
        Assert.Equal(customs, (string?)booked["customs"]!["status"]);
        Assert.Equal("NOT_APPLICABLE", (string?)booked["taxRefund"]!["status"]);

        await api.ReleaseLoadAndDepartBarge(container, barge);

        var shipment = await api.Shipment(id);
        Assert.Equal("RELEASED", (string?)shipment["customs"]!["status"]);
        Assert.Equal("DEPARTED", (string?)shipment["legs"]![0]!["status"]);
        Assert.Equal("NOT_APPLICABLE", (string?)shipment["taxRefund"]!["status"]);
        Assert.Empty(shipment["taxRefund"]!["triggers"]!.AsArray());
    }

    [Fact]
    public async Task Revoking_the_declaration_after_departure_revokes_the_refund()
    {
        var (id, container, barge) = await api.BookOnePort("CUSX");
        await api.ReleaseLoadAndDepartBarge(container, barge);
        Assert.Equal("TRIGGERED", (string?)(await api.Shipment(id))["taxRefund"]!["status"]);

        await api.Report(Json.Customs("CUSX", container, Json.Shunde, Times.HoursAgo(1)));

        var shipment = await api.Shipment(id);
        Assert.Equal("REVOKED", (string?)shipment["customs"]!["status"]);
        AssertRevoked(shipment, id, "DECLARATION_REVOKED");
    }

    [Fact]
    public async Task Leaving_the_exit_port_other_than_by_the_vessel_revokes_the_refund()
    {
        var (id, container, barge) = await api.BookOnePort("GTOT");
        await api.ReleaseLoadAndDepartBarge(container, barge);

        await api.Report(
            Json.Transport("ARRI", "BARGE", barge, Json.Nansha, Times.HoursAgo(2)),
            Json.Equipment("DISC", container, Json.Nansha, Times.HoursAgo(1.5), "BARGE", barge),
            Json.Equipment("GTOT", container, Json.Nansha, Times.HoursAgo(1)));

        var shipment = await api.Shipment(id);
        AssertRevoked(shipment, id, "NOT_EXPORTED");
        Assert.Equal("AT_FACILITY", (string?)shipment["containers"]![0]!["status"]);
        Assert.Equal("IN_TRANSIT", (string?)shipment["status"]);
    }

    [Fact]
    public async Task The_latest_estimate_sets_the_eta_until_the_actual_arrival()
    {
        var (id, _, _) = await api.BookOnePort("EST");
        var vessel = (string)(await api.Shipment(id))["legs"]![1]!["conveyanceId"]!;
        var estimate = Json.Transport("ARRI", "VESSEL", vessel, Json.Rotterdam, "2021-01-09T14:00:00+01:00").With(("classifier", "EST"));

        await api.Report(estimate);
        var shipment = await api.Shipment(id);
        Assert.Equal("2021-01-09T14:00:00+01:00", (string?)shipment["eta"]);
        Assert.Equal("2021-01-09T14:00:00+01:00", (string?)shipment["legs"]![1]!["estimatedArrival"]);

        // The most recently received estimate wins, even when it is earlier.
        await api.Report(estimate.With(("eventId", Ids.Event()), ("eventDateTime", "2021-01-08T22:00:00+01:00")));
        Assert.Equal("2021-01-08T22:00:00+01:00", (string?)(await api.Shipment(id))["eta"]);

        await api.Report(Json.Transport("ARRI", "VESSEL", vessel, Json.Rotterdam, "2021-01-09T03:30:00+01:00"));
        shipment = await api.Shipment(id);
        Assert.Equal("2021-01-09T03:30:00+01:00", (string?)shipment["eta"]);
        Assert.Equal("2021-01-09T03:30:00+01:00", (string?)shipment["legs"]![1]!["actualArrival"]);
    }

    [Fact]
    public async Task Gate_out_at_the_destination_delivers_the_container()
    {
        var id = Ids.Shipment("GTOT-DEST");
        var container = Ids.Container();
        var truck = Ids.Conveyance("TRK");
        await api.Book(Json.Booking(id, [container], [Json.Leg("TRUCK", truck, Json.Shunde, Json.Nansha)]));

        await api.Report(
            Json.Transport("DEPA", "TRUCK", truck, Json.Shunde, "2020-11-30T09:00:00+08:00"),
            Json.Equipment("GTOT", container, Json.Nansha, "2020-11-30T13:00:00+08:00"));

        var shipment = await api.Shipment(id);
        Assert.Equal("COMPLETED", (string?)shipment["status"]);
        Assert.Equal("DELIVERED", (string?)shipment["containers"]![0]!["status"]);
        Assert.Equal("CNNSA", (string?)shipment["containers"]![0]!["location"]);
        Assert.Equal("COMPLETED", (string?)shipment["legs"]![0]!["status"]);
    }

    private async Task<string?> CustomsStatus(string id) => (string?)(await api.Shipment(id))["customs"]!["status"];

    private static void AssertRevoked(JsonObject shipment, string id, string reason)
    {
        var refund = shipment["taxRefund"]!;
        Assert.Equal("REVOKED", (string?)refund["status"]);
        var triggers = refund["triggers"]!.AsArray();
        Assert.Equal(["REFUND_ELIGIBLE", "REFUND_REVOKED"], triggers.Select(t => (string)t!["kind"]!));
        Assert.Equal($"{id}:REFUND_REVOKED", (string?)triggers[1]!["messageId"]);
        Assert.Equal(reason, (string?)triggers[1]!["reason"]);
    }
}
