using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ShipmentQueryAndCancelTests(TransitApiFixture api)
{
    [Fact]
    public async Task A_forwarder_sees_its_own_shipment_and_another_forwarders_is_404_like_an_unknown_one()
    {
        var id = Ids.Shipment("SEE");
        await api.Book(Json.OnePortBooking(id, Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));

        Assert.Equal(id, (string?)(await api.Shipment(id))["shipmentId"]);
        Assert.Equal(id, (string?)(await api.Shipment(id, Keys.Admin))["shipmentId"]);

        var hidden = (await api.OtherForwarder.Get($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.NotFound);
        var unknownId = Ids.Shipment("NOPE");
        var unknown = (await api.OtherForwarder.Get($"/api/v1/shipments/{unknownId}")).Problem(HttpStatusCode.NotFound);

        // Word for word the same answer, so a 404 tells nothing about whether the shipment exists.
        Assert.Equal((string?)unknown["title"], (string?)hidden["title"]);
        Assert.Equal(((string?)unknown["detail"])!.Replace(unknownId, id), (string?)hidden["detail"]);
        (await api.Admin.Get($"/api/v1/shipments/{unknownId}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Timeline_false_leaves_the_timeline_out()
    {
        var id = Ids.Shipment("TL");
        var container = Ids.Container();
        await api.Book(Json.OnePortBooking(id, container, Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));
        await api.Report(Json.Equipment("GTIN", container, Json.Shunde, "2020-11-30T07:00:00+08:00"));

        var full = await api.Shipment(id);
        Assert.Single(full["timeline"]!.AsArray());

        var brief = (await api.Forwarder.Get($"/api/v1/shipments/{id}?timeline=false")).Expect(HttpStatusCode.OK).Body;
        Assert.Null(brief["timeline"]);
        Assert.Equal("IN_TRANSIT", (string?)brief["status"]);
        Assert.Equal("AT_FACILITY", (string?)brief["containers"]![0]!["status"]);

        var explicitTrue = (await api.Forwarder.Get($"/api/v1/shipments/{id}?timeline=true")).Expect(HttpStatusCode.OK).Body;
        Assert.Single(explicitTrue["timeline"]!.AsArray());
    }

    [Fact]
    public async Task Listing_by_container_shows_own_shipments_newest_first()
    {
        var container = Ids.Container();
        var older = Ids.Shipment("OLD");
        var newer = Ids.Shipment("NEW");
        await api.Book(Json.OnePortBooking(older, container, Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));
        (await api.Forwarder.Delete($"/api/v1/shipments/{older}")).Expect(HttpStatusCode.OK);
        await api.Book(Json.OnePortBooking(newer, container, Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));

        var items = (await api.Forwarder.Get($"/api/v1/shipments?container={container}")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();

        Assert.Equal([newer, older], items.Select(i => (string)i!["shipmentId"]!));
        Assert.Equal(["BOOKED", "CANCELLED"], items.Select(i => (string)i!["status"]!));
        Assert.All(items, i => Assert.Null(i!["timeline"]));

        var admin = (await api.Admin.Get($"/api/v1/shipments?container={container}")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Equal([newer, older], admin.Select(i => (string)i!["shipmentId"]!));

        var other = (await api.OtherForwarder.Get($"/api/v1/shipments?container={container}")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Empty(other);

        var never = (await api.Forwarder.Get($"/api/v1/shipments?container={Ids.Container()}")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();
        Assert.Empty(never);
    }

    [Theory]
    [InlineData("?container=CSQU3054384")]
    [InlineData("?container=csqu3054383")]
    [InlineData("?container=")]
    public async Task Listing_with_a_bad_container_is_400(string query)
    {
        var errors = (await api.Forwarder.Get($"/api/v1/shipments{query}")).ValidationErrors();
        Assert.True(errors.ContainsKey("container"), errors.ToJsonString());
    }

    [Fact]
    public async Task Cancelling_is_200_with_the_cancelled_shipment_and_again_is_409()
    {
        var id = Ids.Shipment("CANCEL");
        await api.Book(Json.OnePortBooking(id, Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));

        var cancelled = (await api.Forwarder.Delete($"/api/v1/shipments/{id}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(id, (string?)cancelled["shipmentId"]);
        Assert.Equal("CANCELLED", (string?)cancelled["status"]);

        // Kept for the record.
        Assert.Equal("CANCELLED", (string?)(await api.Shipment(id))["status"]);

        var problem = (await api.Forwarder.Delete($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.Conflict);
        Assert.Contains(id, (string?)problem["detail"]);
        (await api.Admin.Delete($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Another_forwarder_cannot_cancel_404_and_the_shipment_stays_active()
    {
        var id = Ids.Shipment("NOCANCEL");
        await api.Book(Json.OnePortBooking(id, Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));

        (await api.OtherForwarder.Delete($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.NotFound);
        (await api.Forwarder.Delete($"/api/v1/shipments/{Ids.Shipment("NOPE")}")).Problem(HttpStatusCode.NotFound);

        Assert.Equal("BOOKED", (string?)(await api.Shipment(id))["status"]);
        Assert.Equal("CANCELLED", (string?)(await api.Admin.Delete($"/api/v1/shipments/{id}")).Expect(HttpStatusCode.OK).Body["status"]);
    }

    [Fact]
    public async Task Cancelling_after_the_refund_was_triggered_revokes_it()
    {
        var (id, container, barge) = await api.BookOnePort("REVOKE");

        var departure = await api.ReleaseLoadAndDepartBarge(container, barge);

        var triggered = await api.Shipment(id);
        var refund = triggered["taxRefund"]!;
        Assert.Equal("TRIGGERED", (string?)refund["status"]);
        Assert.Equal("CNSUD", (string?)refund["departurePort"]);
        Assert.Equal("CNNSA", (string?)refund["exitPort"]);
        var lastDay = Times.Parse(departure).InZone(Times.China).Date.PlusDays(60);
        Assert.Equal($"{lastDay:uuuu'-'MM'-'dd}T23:59:59+08:00", (string?)refund["deadline"]);
        var eligible = Assert.Single(refund["triggers"]!.AsArray())!;
        Assert.Equal($"{id}:REFUND_ELIGIBLE", (string?)eligible["messageId"]);
        Assert.Equal("REFUND_ELIGIBLE", (string?)eligible["kind"]);
        Times.AssertHasOffset((string?)eligible["issuedAt"]);
        Assert.Equal("RELEASED", (string?)triggered["customs"]!["status"]);

        // Without a queue the trigger goes to the log; either way the outbox marks it delivered soon after.
        var delivered = await Wait.Until(
            () => api.Shipment(id),
            s => s["taxRefund"]!["triggers"]![0]!["deliveredAt"] is not null,
            "the REFUND_ELIGIBLE trigger to be delivered");
        Times.AssertHasOffset((string?)delivered["taxRefund"]!["triggers"]![0]!["deliveredAt"]);

        var cancelled = (await api.Forwarder.Delete($"/api/v1/shipments/{id}")).Expect(HttpStatusCode.OK).Body;

        Assert.Equal("CANCELLED", (string?)cancelled["status"]);
        var revoked = cancelled["taxRefund"]!;
        Assert.Equal("REVOKED", (string?)revoked["status"]);
        var triggers = revoked["triggers"]!.AsArray();
        Assert.Equal(["REFUND_ELIGIBLE", "REFUND_REVOKED"], triggers.Select(t => (string)t!["kind"]!));
        Assert.Equal($"{id}:REFUND_REVOKED", (string?)triggers[1]!["messageId"]);
        Assert.Equal("CANCELLED", (string?)triggers[1]!["reason"]);
        Assert.True(JsonNode.DeepEquals(revoked["triggers"]![0], delivered["taxRefund"]!["triggers"]![0]), "issued triggers are final");
    }
}
