using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary>
/// The refund rules of api.md's 1.1 additions over HTTP: a late exit report within the grace (three days by default)
/// confirms, every container must be aboard the departing barge, and a hold after the release keeps the refund back.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RefundRulesTests(TransitApiFixture api)
{
    private const string Deadline = "2021-01-29T23:59:59+08:00";

    private async Task<(string Id, string[] Containers, string Barge, string Vessel)> BookOnePort(string prefix, int containers)
    {
        var (id, barge, vessel) = (Ids.Shipment(prefix), Ids.Conveyance("BRG"), Ids.Conveyance("VSL"));
        var numbers = Enumerable.Range(0, containers).Select(_ => Ids.Container()).ToArray();
        var booking = Json.OnePortBooking(id, numbers[0], barge, vessel);
        booking["containers"] = new JsonArray([.. numbers.Select(c => JsonValue.Create(c))]);
        await api.Book(booking);
        return (id, numbers, barge, vessel);
    }

    private async Task<JsonNode> Refund(string id) => (await api.Shipment(id))["taxRefund"]!;

    // The first departure-port refund's barge, on 30 Nov 2020 at Shunde, years before this run.
    private static JsonObject Released(string container, string at = "2020-11-30T08:40:00+08:00") => Json.Customs("CUSR", container, Json.Shunde, at);

    private static JsonObject LoadedOnBarge(string container, string barge, string at = "2020-11-30T08:55:00+08:00") =>
        Json.Equipment("LOAD", container, Json.Shunde, at, "BARGE", barge);

    private static JsonObject BargeDeparts(string barge) => Json.Transport("DEPA", "BARGE", barge, Json.Shunde, "2020-11-30T09:12:00+08:00");

    private static string[] Kinds(JsonNode refund) => refund["triggers"]!.AsArray().Select(t => (string)t!["kind"]!).ToArray();

    [Fact]
    public async Task Last_years_barge_and_vessel_reported_today_confirm_the_exit_instead_of_revoking()
    {
        var (id, containers, barge, vessel) = await BookOnePort("REPLAY", 1);
        var container = containers[0];

        await api.Report(Released(container), LoadedOnBarge(container, barge), BargeDeparts(barge));

        // Years past the deadline, but the exit may still be reported: the grace runs from REFUND_ELIGIBLE's issue.
        var open = await Refund(id);
        Assert.Equal(("TRIGGERED", Deadline), ((string?)open["status"], (string?)open["deadline"]));
        Assert.Equal(["REFUND_ELIGIBLE"], Kinds(open));

        await api.Report(
            Json.Transport("ARRI", "BARGE", barge, Json.Nansha, "2020-11-30T17:25:00+08:00"),
            Json.Equipment("DISC", container, Json.Nansha, "2020-11-30T18:10:00+08:00", "BARGE", barge),
            Json.Equipment("LOAD", container, Json.Nansha, "2020-12-02T10:30:00+08:00", "VESSEL", vessel),
            Json.Transport("DEPA", "VESSEL", vessel, Json.Nansha, "2020-12-02T22:40:00+08:00"));

        var confirmed = await Refund(id);
        Assert.Equal(("EXIT_CONFIRMED", Deadline), ((string?)confirmed["status"], (string?)confirmed["deadline"]));
        Assert.Equal(["REFUND_ELIGIBLE", "EXIT_CONFIRMED"], Kinds(confirmed));
    }

    [Fact]
    public async Task A_vessel_that_left_after_the_deadline_does_not_confirm_the_exit()
    {
        var (id, containers, barge, vessel) = await BookOnePort("LATEEXIT", 1);
        var container = containers[0];

        await api.Report(
            Released(container),
            LoadedOnBarge(container, barge),
            BargeDeparts(barge),
            Json.Equipment("LOAD", container, Json.Nansha, "2021-01-29T20:00:00+08:00", "VESSEL", vessel),
            Json.Transport("DEPA", "VESSEL", vessel, Json.Nansha, "2021-01-30T00:00:01+08:00"));

        // Not confirmed; revoked (DEADLINE_PASSED) only once the grace is over, which a reminder sees to.
        var refund = await Refund(id);
        Assert.Equal("TRIGGERED", (string?)refund["status"]);
        Assert.Equal(["REFUND_ELIGIBLE"], Kinds(refund));
    }

    [Fact]
    public async Task The_refund_waits_until_every_container_is_reported_aboard_the_departing_barge()
    {
        var (id, containers, barge, _) = await BookOnePort("ABOARD", 2);
        await api.Report(Released(containers[0]), Released(containers[1]), LoadedOnBarge(containers[0], barge), BargeDeparts(barge));
        Assert.Equal("PENDING", (string?)(await Refund(id))["status"]);

        // Loaded on the barge and discharged again before it left (reported in the other order): shut out, not aboard.
        await api.Report(
            Json.Equipment("DISC", containers[1], Json.Shunde, "2020-11-30T09:05:00+08:00", "BARGE", barge),
            LoadedOnBarge(containers[1], barge, "2020-11-30T08:57:00+08:00"));
        Assert.Equal("PENDING", (string?)(await Refund(id))["status"]);

        // Its second LOAD, reported late, was before the departure: now both left aboard.
        await api.Report(LoadedOnBarge(containers[1], barge, "2020-11-30T09:08:00+08:00"));
        var refund = await Refund(id);
        Assert.Equal("TRIGGERED", (string?)refund["status"]);
        Assert.Equal(["REFUND_ELIGIBLE"], Kinds(refund));
    }

    [Fact]
    public async Task A_hold_after_the_release_keeps_the_refund_back_until_customs_releases_again()
    {
        var (id, containers, barge, _) = await BookOnePort("HELD", 1);
        var container = containers[0];
        await api.Report(
            Released(container),
            Json.Customs("CUSH", container, Json.Shunde, "2020-11-30T08:50:00+08:00"),
            LoadedOnBarge(container, barge),
            BargeDeparts(barge));
        var held = await api.Shipment(id);
        Assert.Equal(("HELD", "PENDING"), ((string?)held["customs"]!["status"], (string?)held["taxRefund"]!["status"]));

        await api.Report(Released(container, "2020-11-30T09:30:00+08:00"));
        var released = await api.Shipment(id);
        Assert.Equal(("RELEASED", "TRIGGERED"), ((string?)released["customs"]!["status"], (string?)released["taxRefund"]!["status"]));
        Assert.Equal(["REFUND_ELIGIBLE"], Kinds(released["taxRefund"]!));
    }
}
