using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary>
/// api.md 1.1, "Forwarders: list own shipments", through real HTTP: pages newest booking first with a stable cursor,
/// the status filter, an admin's forwarder=, container= combined, and every bad parameter named. Shipments booked by an
/// admin for a forwarder code of the test's own keep each test's listing to itself on the shared silo.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ListingTests(TransitApiFixture api)
{
    [Fact]
    public async Task A_forwarder_lists_its_own_shipments_only_and_an_admin_every_forwarders_or_one()
    {
        var mine = Ids.Shipment("MINE");
        var theirs = Ids.Shipment("THEIRS");
        await api.Book(Json.OnePortBooking(mine, Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL")));
        await api.Book(Json.OnePortBooking(theirs, Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL")), Keys.OtherForwarder);

        var own = await Everything(Keys.Forwarder, "");
        Assert.Contains(mine, own.Select(Id));
        Assert.DoesNotContain(theirs, own.Select(Id));
        Assert.All(own, s => Assert.Equal(Keys.ForwarderCode, (string?)s["forwarder"]));
        // Naming itself changes nothing.
        Assert.Equal(own.Select(Id).Take(10), (await Page(Keys.Forwarder, $"?forwarder={Keys.ForwarderCode}&limit=10")).Items.Select(Id));

        var other = await Everything(Keys.OtherForwarder, "");
        Assert.Contains(theirs, other.Select(Id));
        Assert.DoesNotContain(mine, other.Select(Id));

        var adminOfOther = await Everything(Keys.Admin, $"forwarder={Keys.OtherForwarderCode}");
        Assert.Equal(other.Select(Id), adminOfOther.Select(Id));
        var all = (await Everything(Keys.Admin, "")).Select(Id).ToList();
        Assert.Contains(mine, all);
        Assert.Contains(theirs, all);
    }

    [Fact]
    public async Task Pages_run_newest_booking_first_and_booking_while_paging_neither_skips_nor_repeats_one()
    {
        var forwarder = Forwarder();
        var booked = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            booked.Add(await BookFor(forwarder));
        }

        var seen = new List<JsonObject>();
        var page = await Page(Keys.Admin, $"?forwarder={forwarder}&limit=3");
        Assert.Equal(3, page.Items.Count);
        while (true)
        {
            seen.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                break;
            }

            // Booked between two pages: newer than everything listed, so they come before the first page, not on a later one.
            booked.Add(await BookFor(forwarder));
            page = await Page(Keys.Admin, $"?forwarder={forwarder}&limit=3&cursor={Uri.EscapeDataString(page.NextCursor)}");
        }

        Assert.Equal(booked.Take(7).Reverse(), seen.Select(Id));
        Assert.All(seen, s => Assert.Null(s["timeline"]));
        Assert.All(seen, s => Assert.Equal("BOOKED", (string?)s["status"]));

        var again = await Page(Keys.Admin, $"?forwarder={forwarder}&limit=200");
        Assert.Equal(Enumerable.Reverse(booked), again.Items.Select(Id));
        Assert.Null(again.NextCursor);
    }

    [Fact]
    public async Task Fifty_is_the_default_page_and_two_hundred_the_largest()
    {
        var forwarder = Forwarder();
        await Task.WhenAll(Enumerable.Range(0, 51).Select(_ => BookFor(forwarder)));

        var first = await Page(Keys.Admin, $"?forwarder={forwarder}");
        Assert.Equal(50, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        var rest = await Page(Keys.Admin, $"?forwarder={forwarder}&cursor={Uri.EscapeDataString(first.NextCursor)}");
        Assert.Single(rest.Items);
        Assert.Null(rest.NextCursor);

        var whole = await Page(Keys.Admin, $"?forwarder={forwarder}&limit=200");
        Assert.Equal(51, whole.Items.Count);
        Assert.Null(whole.NextCursor);
    }

    [Fact]
    public async Task The_status_filter_and_a_container_narrow_the_list_and_combine()
    {
        var forwarder = Forwarder();
        var container = Ids.Container();
        var cancelled = await BookFor(forwarder, container);
        (await api.Admin.Delete($"/api/v1/shipments/{cancelled}")).Expect(HttpStatusCode.OK);
        var moving = await BookFor(forwarder, container);
        await api.Report(Json.Equipment("GTIN", container, Json.Shunde, Times.HoursAgo(2)));
        var waiting = await BookFor(forwarder);

        Assert.Equal([waiting, moving, cancelled], (await Page(Keys.Admin, $"?forwarder={forwarder}")).Items.Select(Id));
        Assert.Equal([moving], (await Page(Keys.Admin, $"?forwarder={forwarder}&status=IN_TRANSIT")).Items.Select(Id));
        Assert.Equal([waiting], (await Page(Keys.Admin, $"?forwarder={forwarder}&status=BOOKED")).Items.Select(Id));
        Assert.Empty((await Page(Keys.Admin, $"?forwarder={forwarder}&status=COMPLETED")).Items);

        Assert.Equal([moving, cancelled], (await Page(Keys.Admin, $"?container={container}")).Items.Select(Id));
        Assert.Equal([cancelled], (await Page(Keys.Admin, $"?container={container}&status=CANCELLED&forwarder={forwarder}")).Items.Select(Id));
        Assert.Empty((await Page(Keys.Admin, $"?container={container}&forwarder={Keys.OtherForwarderCode}")).Items);
        var paged = await Page(Keys.Admin, $"?container={container}&limit=1");
        Assert.Equal([moving], paged.Items.Select(Id));
        Assert.Equal([cancelled], (await Page(Keys.Admin, $"?container={container}&limit=1&cursor={Uri.EscapeDataString(paged.NextCursor!)}")).Items.Select(Id));
    }

    [Theory]
    [InlineData("?status=LOST", "status")]
    [InlineData("?status=in_transit", "status")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=201", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?limit=-1", "limit")]
    [InlineData("?limit=", "limit")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    [InlineData("?cursor=", "cursor")]
    [InlineData("?forwarder=FWD-OTHER", "forwarder")]
    [InlineData("?container=CSQU3054384", "container")]
    public async Task A_bad_parameter_is_400_naming_it(string query, string parameter)
    {
        var response = await api.Forwarder.Get($"/api/v1/shipments{query}");

        var errors = response.ValidationErrors();
        Assert.Equal([parameter], errors.Select(e => e.Key));
        Assert.Contains(parameter, (string?)response.Body["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_bad_parameter_is_named_at_once_and_an_admin_may_not_name_an_empty_forwarder()
    {
        var errors = (await api.Admin.Get("/api/v1/shipments?status=GONE&limit=500&cursor=%21%21&forwarder=")).ValidationErrors();

        Assert.Equal(["cursor", "forwarder", "limit", "status"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_port_key_may_not_list_shipments()
    {
        (await api.Port.Get("/api/v1/shipments")).Problem(HttpStatusCode.Forbidden);
        (await api.Anonymous.Get("/api/v1/shipments")).Problem(HttpStatusCode.Unauthorized);
    }

    private static string Forwarder() => $"FWD-{Ids.Shipment("L")}";

    private static string Id(JsonNode? shipment) => (string)shipment!["shipmentId"]!;

    private async Task<string> BookFor(string forwarder, string? container = null)
    {
        var id = Ids.Shipment("LST");
        var booking = Json.OnePortBooking(id, container ?? Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL"));
        booking["forwarder"] = forwarder;
        await api.Book(booking, Keys.Admin);
        return id;
    }

    private async Task<(List<JsonObject> Items, string? NextCursor)> Page(string key, string query)
    {
        var body = (await api.As(key).Get($"/api/v1/shipments{query}")).Expect(HttpStatusCode.OK).Body;
        Assert.True(body.ContainsKey("nextCursor"), body.ToJsonString());
        return (body["items"]!.AsArray().Select(i => i!.AsObject()).ToList(), (string?)body["nextCursor"]);
    }

    /// <summary>Every page of a listing, followed to the end.</summary>
    private async Task<List<JsonObject>> Everything(string key, string query)
    {
        var items = new List<JsonObject>();
        var page = await Page(key, $"?limit=200&{query}");
        items.AddRange(page.Items);
        while (page.NextCursor is { } cursor)
        {
            page = await Page(key, $"?limit=200&cursor={Uri.EscapeDataString(cursor)}&{query}");
            items.AddRange(page.Items);
        }

        Assert.Equal(items.Count, items.Select(Id).Distinct().Count());
        return items;
    }
}
