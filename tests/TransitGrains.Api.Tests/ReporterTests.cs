using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary>api.md, "Who may report what, and who reported it": event types per key, and reportedBy on the timeline.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReporterTests(TransitApiFixture api)
{
    /// <summary>The default name of a key: the first 8 hexadecimal characters of its SHA-256.</summary>
    private static string DefaultName(string key) => ApiKeyRegistry.Hash(key)[..8];

    private static string Status(JsonNode? result) => (string?)result!["status"] ?? "";

    private static string Error(JsonNode? result) => (string?)result!["error"] ?? "";

    private static JsonNode TimelineEntry(JsonObject shipment, JsonObject e) =>
        shipment["timeline"]!.AsArray().Single(t => (string?)t!["eventId"] == (string?)e["eventId"])!;

    [Fact]
    public async Task A_port_keys_customs_release_is_rejected_while_its_load_in_the_same_batch_is_accepted()
    {
        var (id, container, barge) = await api.BookOnePort("PCUSR");
        var release = Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T08:40:00+08:00");
        var load = Json.Equipment("LOAD", container, Json.Shunde, "2020-11-30T08:55:00+08:00", "BARGE", barge);

        var results = await api.Submit([release, load], Keys.ShundePort);

        Assert.Equal(("REJECTED", "ACCEPTED"), (Status(results[0]), Status(results[1])));
        Assert.Contains("eventType", Error(results[0]));
        Assert.Contains("may not report CUSTOMS", Error(results[0]));
        Assert.Contains("TRANSPORT, EQUIPMENT", Error(results[0]));
        var shipment = await api.Shipment(id);
        Assert.Equal("DECLARED", (string?)shipment["customs"]!["status"]);
        Assert.Equal(Keys.ShundePortName, (string?)TimelineEntry(shipment, load)["reportedBy"]);
        Assert.Single(shipment["timeline"]!.AsArray());

        // Refused, the release was not recorded: customs may report it under the same id.
        Assert.Equal("ACCEPTED", Status((await api.Submit([release], Keys.ShundeCustoms))[0]));
    }

    [Fact]
    public async Task A_customs_keys_load_is_rejected_while_its_release_is_accepted()
    {
        var (id, container, barge) = await api.BookOnePort("CLOAD");
        var release = Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T08:40:00+08:00");
        var load = Json.Equipment("LOAD", container, Json.Shunde, "2020-11-30T08:55:00+08:00", "BARGE", barge);
        var departure = Json.Transport("DEPA", "BARGE", barge, Json.Shunde, "2020-11-30T09:12:00+08:00");

        var results = await api.Submit([load, release, departure], Keys.Customs);

        Assert.Equal(["REJECTED", "ACCEPTED", "REJECTED"], results.Select(Status));
        Assert.Contains("may not report EQUIPMENT events; it may report CUSTOMS", Error(results[0]));
        Assert.Contains("may not report TRANSPORT events", Error(results[2]));
        var shipment = await api.Shipment(id);
        Assert.Equal("RELEASED", (string?)shipment["customs"]!["status"]);
        Assert.Equal(DefaultName(Keys.Customs), (string?)TimelineEntry(shipment, release)["reportedBy"]);
    }

    [Fact]
    public async Task A_customs_key_outside_its_locations_is_rejected()
    {
        var container = Ids.Container();
        var atNansha = Json.Customs("CUSR", container, Json.Nansha, "2020-11-30T08:40:00+08:00");
        var atShunde = Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T08:40:00+08:00");

        var results = await api.Submit([atNansha, atShunde], Keys.ShundeCustoms);

        Assert.Equal(("REJECTED", "ACCEPTED"), (Status(results[0]), Status(results[1])));
        Assert.Contains("location", Error(results[0]));
        Assert.Contains("CNNSA", Error(results[0]));
        // The customs key of the Development environment reports everywhere.
        Assert.Equal("ACCEPTED", Status((await api.Submit([atNansha], Keys.Customs))[0]));
    }

    [Fact]
    public async Task An_admin_may_report_every_type_and_the_development_port_key_keeps_all_three()
    {
        var (id, container, barge) = await api.BookOnePort("ADMALL");
        var byAdmin = new[]
        {
            Json.Customs("CUSR", container, Json.Shunde, "2020-11-30T08:40:00+08:00"),
            Json.Equipment("LOAD", container, Json.Shunde, "2020-11-30T08:55:00+08:00", "BARGE", barge),
            Json.Transport("DEPA", "BARGE", barge, Json.Shunde, "2020-11-30T09:12:00+08:00"),
        };
        var byPort = new[]
        {
            Json.Customs("CUSI", container, Json.Nansha, "2020-11-30T18:00:00+08:00"),
            Json.Equipment("DISC", container, Json.Nansha, "2020-11-30T17:30:00+08:00", "BARGE", barge),
            Json.Transport("ARRI", "BARGE", barge, Json.Nansha, "2020-11-30T17:00:00+08:00"),
        };

        Assert.All(await api.Submit(byAdmin, Keys.Admin), r => Assert.Equal("ACCEPTED", Status(r)));
        Assert.All(await api.Submit(byPort, Keys.Port), r => Assert.Equal("ACCEPTED", Status(r)));

        var shipment = await api.Shipment(id);
        Assert.All(byAdmin, e => Assert.Equal(DefaultName(Keys.Admin), (string?)TimelineEntry(shipment, e)["reportedBy"]));
        Assert.All(byPort, e => Assert.Equal(DefaultName(Keys.Port), (string?)TimelineEntry(shipment, e)["reportedBy"]));
    }

    [Fact]
    public async Task ReportedBy_names_the_first_reporter_after_a_duplicate_from_another_key()
    {
        var (id, container, barge) = await api.BookOnePort("DUPREP");
        var load = Json.Equipment("LOAD", container, Json.Shunde, "2020-11-30T08:55:00+08:00", "BARGE", barge);
        var departure = Json.Transport("DEPA", "BARGE", barge, Json.Shunde, "2020-11-30T09:12:00+08:00");

        Assert.All(await api.Submit([load, departure], Keys.ShundePort), r => Assert.Equal("ACCEPTED", Status(r)));
        // Another system reports the same ids (one of them saying something else): duplicates, the first report stands.
        Assert.All(await api.Submit([load, departure.With(("eventDateTime", "2020-11-30T09:40:00+08:00"))], Keys.Port),
            r => Assert.Equal("DUPLICATE", Status(r)));

        var shipment = await api.Shipment(id);
        Assert.Equal(Keys.ShundePortName, (string?)TimelineEntry(shipment, load)["reportedBy"]);
        Assert.Equal(Keys.ShundePortName, (string?)TimelineEntry(shipment, departure)["reportedBy"]);
        Assert.Equal("2020-11-30T09:12:00+08:00", (string?)shipment["legs"]![0]!["actualDeparture"]);
    }

    [Fact]
    public async Task A_refund_is_triggered_only_by_a_release_from_a_key_allowed_to_report_customs()
    {
        var (id, container, barge) = await api.BookOnePort("REFKEY");
        var released = Times.HoursAgo(5);

        // The terminal's key reports the release along with the loading and departure: the release is refused, no
        // refund is due.
        var results = await api.Submit(
            [
                Json.Customs("CUSR", container, Json.Shunde, released),
                Json.Equipment("LOAD", container, Json.Shunde, Times.HoursAgo(4), "BARGE", barge),
                Json.Transport("DEPA", "BARGE", barge, Json.Shunde, Times.HoursAgo(3)),
            ],
            Keys.ShundePort);
        Assert.Equal(("REJECTED", "ACCEPTED", "ACCEPTED"), (Status(results[0]), Status(results[1]), Status(results[2])));
        var pending = await api.Shipment(id);
        Assert.Equal("PENDING", (string?)pending["taxRefund"]!["status"]);
        Assert.Empty(pending["taxRefund"]!["triggers"]!.AsArray());

        // Customs releases the containers: now the refund is due.
        var release = Json.Customs("CUSR", container, Json.Shunde, released);
        Assert.Equal("ACCEPTED", Status((await api.Submit([release], Keys.ShundeCustoms))[0]));
        var triggered = await api.Shipment(id);
        Assert.Equal("TRIGGERED", (string?)triggered["taxRefund"]!["status"]);
        Assert.Equal($"{id}:REFUND_ELIGIBLE", (string?)triggered["taxRefund"]!["triggers"]![0]!["messageId"]);
        Assert.Equal(Keys.ShundeCustomsName, (string?)TimelineEntry(triggered, release)["reportedBy"]);
    }

    [Fact]
    public async Task A_customs_key_may_not_book_or_read_shipments_or_conveyances()
    {
        var (id, _, barge) = await api.BookOnePort("CREAD");

        (await api.As(Keys.Customs).Get($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.Forbidden);
        (await api.As(Keys.Customs).Post("/api/v1/shipments", Json.OnePortBooking(Ids.Shipment("CBOOK"), Ids.Container(), "B-1", "V-1")))
            .Problem(HttpStatusCode.Forbidden);
        (await api.As(Keys.Customs).Get($"/api/v1/conveyances/barge/{barge}")).Problem(HttpStatusCode.Forbidden);
    }
}
