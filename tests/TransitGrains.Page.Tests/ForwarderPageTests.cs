using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TransitGrains.Api.Tests;

namespace TransitGrains.Page.Tests;

/// <summary>
/// api.md 1.1, "The forwarder web page", as a person uses it in chromium: sign in with a forwarder key, the list, the
/// search, a shipment's route, containers, local-time timeline, customs, refund triggers and ETA history, a train's
/// manifest, updates without a reload, English and Chinese, and nothing of another forwarder's. Screenshots are kept
/// in the test results (<see cref="BrowserFixture.Screenshots"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ForwarderPageTests(BrowserFixture browser)
{
    private const string WalkThrough = "GZ26-000123";
    private const string WalkThroughContainer = "CSQU3054383";

    private static readonly SemaphoreSlim Booking = new(1, 1);
    private static bool s_walkThroughBooked;

    [Fact]
    public async Task The_walk_through_shipment_is_listed_found_by_its_container_and_shown_with_route_local_times_and_refund_triggers()
    {
        await BookWalkThrough();
        await using var session = await browser.NewSession();

        var document = await session.Open("/");
        Assert.Equal(ForwarderPageCsp, await document!.HeaderValueAsync("Content-Security-Policy"));
        await session.SignIn(Keys.Forwarder);

        var page = session.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shipments", Level = 1 })).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = WalkThrough, Exact = true }) });
        await Expect(row).ToContainTextAsync("In transit");
        await Expect(row).ToContainTextAsync("Leg 2 of 2 Vessel COSCOPRIDE-147W: Nansha (CNNSA) → Rotterdam (NLRTM)");
        // The ETA in Rotterdam's own time (winter: +01:00), as planned.
        await Expect(row).ToContainTextAsync("30 Dec 2026, 06:00 UTC+01:00 Rotterdam (NLRTM)");
        await Expect(row).ToContainTextAsync("Exit confirmed");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = WalkThrough, Exact = true })).ToHaveCountAsync(1);
        await AssertAccessible(page, "list");
        await session.Screenshot("list-en.png");

        await page.GetByLabel("Shipment or container").FillAsync(WalkThroughContainer.ToLowerInvariant());
        await page.GetByLabel("Shipment or container").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Shipments with container {WalkThroughContainer}", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = WalkThrough, Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = WalkThrough, Level = 1 })).ToBeFocusedAsync();
        var route = page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^Route of GZ26-000123") });
        await Expect(route).ToHaveAccessibleNameAsync(
            "Route of GZ26-000123: Shunde to Nansha by Barge SUIGANG903-2611A, Completed; Nansha to Rotterdam by Vessel COSCOPRIDE-147W, Departed.");
        foreach (var text in new[] { "Shunde", "CNSUD", "Nansha", "Rotterdam", "Barge", "SUIGANG903-2611A", "Vessel", "COSCOPRIDE-147W" })
        {
            await Expect(route.GetByText(text, new() { Exact = true })).ToHaveCountAsync(1);
        }

        var containers = page.GetByRole(AriaRole.Table, new() { Name = "Containers" });
        await Expect(containers).ToContainTextAsync($"{WalkThroughContainer}AboardNansha (CNNSA)COSCOPRIDE-147W");

        // Each event in its own place's time, with who reported it.
        var timeline = page.GetByRole(AriaRole.Table, new() { Name = "Timeline (local time of each place)" });
        await Expect(timeline.GetByRole(AriaRole.Row)).ToHaveCountAsync(8);
        await Expect(timeline.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("26 Nov 2026, 08:40 UTC+08:00CUSR Customs releaseShunde (CNSUD)");
        await Expect(timeline.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync(ApiKeyHashName(Keys.Customs));
        await Expect(timeline.GetByRole(AriaRole.Row).Nth(2)).ToContainTextAsync("26 Nov 2026, 08:55 UTC+08:00LOAD LoadedShunde (CNSUD)BJTBarge SUIGANG903-2611A");
        await Expect(timeline.GetByRole(AriaRole.Row).Nth(7)).ToContainTextAsync("27 Nov 2026, 12:00 UTC+08:00DEPA DepartedNansha (CNNSA)");

        var customs = page.GetByRole(AriaRole.Region, new() { Name = "Customs" });
        await Expect(customs).ToContainTextAsync("Released");
        await Expect(customs).ToContainTextAsync("26 Nov 2026, 08:40 UTC+08:00");
        var refund = page.GetByRole(AriaRole.Region, new() { Name = "Tax refund" });
        await Expect(refund).ToContainTextAsync("Exit confirmed");
        await Expect(refund).ToContainTextAsync("Shunde (CNSUD)");
        await Expect(refund).ToContainTextAsync("25 Jan 2027, 23:59 UTC+08:00");
        var triggers = page.GetByRole(AriaRole.Table, new() { Name = "Triggers sent to the tax system" });
        await Expect(triggers).ToContainTextAsync("Refund eligibleGZ26-000123:REFUND_ELIGIBLE");
        await Expect(triggers).ToContainTextAsync("Exit confirmedGZ26-000123:EXIT_CONFIRMED");
        var etaHistory = page.GetByRole(AriaRole.Table, new() { Name = "ETA history" });
        await Expect(etaHistory.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("30 Dec 2026, 06:00 UTC+01:00Booking");
        // The barge left 12 minutes late (SDE-3), which moved the ETA, until it arrived early (NSA-1).
        await Expect(etaHistory.GetByRole(AriaRole.Row).Nth(2)).ToContainTextAsync("30 Dec 2026, 06:12 UTC+01:00SDE-3");
        await Expect(etaHistory.GetByRole(AriaRole.Row).Nth(3)).ToContainTextAsync("30 Dec 2026, 06:00 UTC+01:00NSA-1");

        await AssertAccessible(page, "shipment");
        await session.Screenshot("walk-through-en.png");
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task Another_forwarder_finds_nothing_of_it_neither_in_the_list_nor_by_id_nor_by_container()
    {
        await BookWalkThrough();
        await using var session = await browser.NewSession();
        await session.Open("/");
        await session.SignIn(Keys.OtherForwarder);
        var page = session.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shipments", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = WalkThrough })).ToHaveCountAsync(0);

        await page.GetByLabel("Shipment or container").FillAsync(WalkThrough);
        await page.GetByLabel("Shipment or container").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"No shipment {WalkThrough} was found.", Level = 1 })).ToBeVisibleAsync();

        await page.GetByLabel("Shipment or container").FillAsync(WalkThroughContainer);
        await page.GetByLabel("Shipment or container").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Shipments with container {WalkThroughContainer}", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("No shipments.")).ToBeVisibleAsync();
        await session.Screenshot("other-forwarder.png");
        // The 404 is the API's answer, logged by the browser as a failed request; nothing else went wrong.
        Assert.All(session.Problems, p => Assert.Contains("404", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_Chinese_from_the_browsers_language_or_lang_zh_CN()
    {
        await BookWalkThrough();
        await using var chinese = await browser.NewSession("zh-CN");
        await chinese.Open("/");
        await Expect(chinese.Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await chinese.SignIn(Keys.Forwarder, "API 密钥");
        var page = chinese.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "货运单", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("货运单号或集装箱号")).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = WalkThrough, Exact = true }) });
        await Expect(row).ToContainTextAsync("运输中");
        await Expect(row).ToContainTextAsync("2026年12月30日 06:00 UTC+01:00 鹿特丹 (NLRTM)");

        await row.GetByRole(AriaRole.Link, new() { Name = WalkThrough }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^GZ26-000123 的路线：顺德 至 南沙，驳船") })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "启运港退税" })).ToContainTextAsync("已确认离境");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "动态（各地当地时间）" })).ToContainTextAsync("2026年11月26日 08:40 UTC+08:00CUSR 海关放行顺德 (CNSUD)");
        await AssertAccessible(page, "shipment in Chinese");
        await chinese.Screenshot("walk-through-zh-CN.png");
        Assert.Empty(chinese.Problems);

        // An English browser asking for ?lang=zh-CN.
        await using var asked = await browser.NewSession("en-US");
        await asked.Open("/?lang=zh-CN");
        await Expect(asked.Page.GetByLabel("API 密钥", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(asked.Page.GetByRole(AriaRole.Button, new() { Name = "登录" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_key_is_checked_kept_for_the_tab_only_and_the_keyboard_alone_signs_in_and_opens_a_shipment()
    {
        await BookWalkThrough();
        await using var session = await browser.NewSession();
        var page = session.Page;
        await session.Open("/");

        await session.SignIn("not-a-key");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This API key is not known.");
        await session.SignIn(Keys.Port);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This key may not read shipments: sign in with a forwarder key.");

        // Tab to the field, type, Enter; then Tab to the shipment's link and Enter.
        await page.Locator("body").FocusAsync();
        await TabTo(page, "#api-key");
        await page.Keyboard.TypeAsync(Keys.Forwarder);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shipments", Level = 1 })).ToBeVisibleAsync();
        Assert.Equal(Keys.Forwarder, await page.EvaluateAsync<string>("sessionStorage.getItem('transitgrains.apiKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        Assert.Empty(await session.Context.CookiesAsync());
        await TabTo(page, $"a[href='#/shipments/{WalkThrough}']");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = WalkThrough, Level = 1 })).ToBeFocusedAsync();

        // Another browser session (a new tab of a browser that was closed) is not signed in.
        await using var later = await browser.NewSession();
        await later.Open($"/#/shipments/{WalkThrough}");
        await Expect(later.Page.GetByLabel("API key", new() { Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API key", new() { Exact = true })).ToBeFocusedAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('transitgrains.apiKey')"));
        Assert.All(session.Problems, p => Assert.Contains("40", p, StringComparison.Ordinal)); // the refused keys' 401 and 403
    }

    [Fact]
    public async Task A_shipment_shown_follows_new_events_without_a_reload()
    {
        var (id, container, barge) = await browser.Api.BookOnePort("LIVE");
        await using var session = await browser.NewSession();
        var page = session.Page;
        await session.Open($"/#/shipments/{id}");
        await session.SignIn(Keys.Forwarder);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = id, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("No event yet.")).ToBeVisibleAsync();
        await page.EvaluateAsync("window.notReloaded = true");

        await browser.Api.ReleaseLoadAndDepartBarge(container, barge);

        var timeline = page.GetByRole(AriaRole.Table, new() { Name = "Timeline (local time of each place)" });
        await Expect(timeline.GetByRole(AriaRole.Row)).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Tax refund" })).ToContainTextAsync("Triggered");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Updated at");
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task A_trains_manifest_shows_the_forwarders_own_containers_aboard_and_its_calls()
    {
        var train = Ids.Conveyance("X8426");
        var mine = new[] { Ids.Container(), Ids.Container() };
        var theirs = Ids.Container();
        var first = Ids.Shipment("SMR");
        await browser.Api.Book(RailBooking(first, mine[0], train));
        await browser.Api.Book(RailBooking(Ids.Shipment("SMR"), mine[1], train));
        await browser.Api.Book(RailBooking(Ids.Shipment("SMR"), theirs, train), Keys.OtherForwarder);
        await browser.Api.Report(
            Json.Transport("DEPA", "RAIL", train, Json.Dalang, Times.HoursAgo(30)),
            Json.Transport("CROS", "RAIL", train, Json.Manzhouli, Times.HoursAgo(2, offsetHours: 3)));

        await using var session = await browser.NewSession();
        var page = session.Page;
        await session.Open($"/#/shipments/{first}");
        await session.SignIn(Keys.Forwarder);
        await page.GetByRole(AriaRole.Table, new() { Name = "Legs" }).GetByRole(AriaRole.Link, new() { Name = train }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Rail {train}", Level = 1 })).ToBeVisibleAsync();
        var aboard = page.GetByRole(AriaRole.Region, new() { Name = "Your containers aboard" });
        await Expect(aboard.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(mine.Order(StringComparer.Ordinal).ToArray());
        var calls = page.GetByRole(AriaRole.Table, new() { Name = "Calls" });
        await Expect(calls).ToContainTextAsync("DEPA DepartedDalang (CNDLG)");
        // Manzhouli's crossing, reported in Moscow time, shown in China's.
        await Expect(calls).ToContainTextAsync("CROS Crossed the borderManzhouli (CNMZL)");
        await Expect(calls).ToContainTextAsync("UTC+08:00");
        await Expect(page.GetByText(theirs)).ToHaveCountAsync(0);
        await AssertAccessible(page, "conveyance");
        await session.Screenshot("train-manifest.png");
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task What_partners_send_is_shown_as_text_never_run_as_markup()
    {
        var (id, container, _) = await browser.Api.BookOnePort("XSS");
        const string Facility = "<img src=x onerror=injected=1>";
        await browser.Api.Report(Json.Equipment("GTIN", container, Json.Shunde, Times.HoursAgo(2)).With(("facility", Facility)));

        await using var session = await browser.NewSession();
        var page = session.Page;
        await session.Open($"/#/shipments/{id}");
        await session.SignIn(Keys.Forwarder);

        var timeline = page.GetByRole(AriaRole.Table, new() { Name = "Timeline (local time of each place)" });
        await Expect(timeline).ToContainTextAsync(Facility);
        await Expect(timeline.Locator("img, script")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("window.injected === undefined"));
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task The_page_and_its_files_come_with_the_policy_and_nothing_runs_inline()
    {
        foreach (var path in new[] { "/", "/index.html", "/app.js", "/contract.js", "/app.css", "/favicon.svg" })
        {
            var response = await browser.Api.Anonymous.Get(path);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
            Assert.Equal(ForwarderPageCsp, response.Header("Content-Security-Policy"));
            Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        }

        var html = (await browser.Api.Anonymous.Get("/")).Text;
        Assert.DoesNotMatch(new Regex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"\sstyle=|\son[a-z]+=|<style", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"https?://", RegexOptions.IgnoreCase), html);
    }

    [Fact]
    public async Task The_page_takes_its_bounds_and_choices_from_the_constants_the_API_checks()
    {
        var contract = await browser.Api.Anonymous.Get("/contract.js");

        Assert.Equal("text/javascript", contract.MediaType);
        Assert.Contains($"export const PAGE = {TransitGrains.Api.ListingRequest.DefaultLimit};", contract.Text, StringComparison.Ordinal);
        Assert.Contains($"export const MAX_PAGE = {TransitGrains.Api.ListingRequest.MaxLimit};", contract.Text, StringComparison.Ordinal);
        Assert.Contains("""export const STATUSES = ["BOOKED","IN_TRANSIT","COMPLETED","CANCELLED"];""", contract.Text, StringComparison.Ordinal);
        Assert.Contains("""export const CONTAINER = new RegExp("^[A-Z]{3}[UJZ][0-9]{7}$");""", contract.Text, StringComparison.Ordinal);
    }

    private const string ForwarderPageCsp = TransitGrains.Api.ForwarderPage.ContentSecurityPolicy;

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>The README's one-port walk-through, booked once for all the tests that show it.</summary>
    private async Task BookWalkThrough()
    {
        await Booking.WaitAsync();
        try
        {
            if (s_walkThroughBooked)
            {
                return;
            }

            await browser.Api.Book(Json.Booking(WalkThrough, [WalkThroughContainer],
            [
                Json.Leg("BARGE", "SUIGANG903-2611A", Json.Shunde, Json.Nansha, "2026-11-26T09:00:00+08:00", "2026-11-26T17:00:00+08:00"),
                Json.Leg("VESSEL", "COSCOPRIDE-147W", Json.Nansha, Json.Rotterdam, "2026-11-28T22:00:00+08:00", "2026-12-30T06:00:00+01:00"),
            ], declaration: true));
            // The README's events, with its event ids.
            await browser.Api.Submit([Json.Customs("CUSR", WalkThroughContainer, Json.Shunde, "2026-11-26T08:40:00+08:00").With(("eventId", "SDE-1"))], Keys.Customs);
            await browser.Api.Report(
                Json.Equipment("LOAD", WalkThroughContainer, Json.Shunde, "2026-11-26T08:55:00+08:00", "BARGE", "SUIGANG903-2611A").With(("eventId", "SDE-2"), ("facility", "BJT")),
                Json.Transport("DEPA", "BARGE", "SUIGANG903-2611A", Json.Shunde, "2026-11-26T09:12:00+08:00").With(("eventId", "SDE-3")),
                Json.Transport("ARRI", "BARGE", "SUIGANG903-2611A", Json.Nansha, "2026-11-26T16:50:00+08:00").With(("eventId", "NSA-1")),
                Json.Equipment("DISC", WalkThroughContainer, Json.Nansha, "2026-11-26T18:10:00+08:00", "BARGE", "SUIGANG903-2611A").With(("eventId", "NSA-2")),
                Json.Equipment("LOAD", WalkThroughContainer, Json.Nansha, "2026-11-27T10:30:00+08:00", "VESSEL", "COSCOPRIDE-147W").With(("eventId", "NSA-3")),
                Json.Transport("DEPA", "VESSEL", "COSCOPRIDE-147W", Json.Nansha, "2026-11-27T12:00:00+08:00").With(("eventId", "NSA-4")));
            s_walkThroughBooked = true;
        }
        finally
        {
            Booking.Release();
        }
    }

    private static JsonObject RailBooking(string id, string container, string train) =>
        Json.Booking(id, [container], [Json.Leg("RAIL", train, Json.Dalang, Json.Moscow)], tradeMode: "CBEC_B2B_9810");

    private static string ApiKeyHashName(string key) => TransitGrains.Api.ApiKeyRegistry.Hash(key)[..8];

    /// <summary>Presses Tab until the element <paramref name="selector"/> names has the focus (at most 40 times).</summary>
    private static async Task TabTo(IPage page, string selector)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached {selector}");
    }

    /// <summary>axe-core's WCAG 2.1 A and AA rules (labels, names, contrast, landmarks …) find nothing on the page.</summary>
    private static async Task AssertAccessible(IPage page, string what)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        Assert.True(result.Violations.Length == 0, $"{what}: " + string.Join("\n", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
    }
}
