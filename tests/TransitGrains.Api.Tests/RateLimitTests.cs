using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace TransitGrains.Api.Tests;

/// <summary>
/// api.md 1.1 "Limits" through real HTTP, on the configured silo, whose port and anonymous budgets are tiny (the shared
/// silo runs in Development with nothing configured, so nothing is limited there).
/// </summary>
[Collection(ConfiguredSiloCollection.Name)]
public sealed class RateLimitTests(ConfiguredSiloFixture silo)
{
    private ApiClient As(string? key) => silo.As(key);

    [Fact]
    public async Task A_key_over_its_budget_gets_429_with_Retry_After_changes_nothing_and_is_served_again_once_refilled()
    {
        var port = As(Keys.Port);
        var over = await Until429(body => port.Post("/api/v1/events", body), () => Json.Batch([Departure()]));

        var problem = over.Response.Problem(HttpStatusCode.TooManyRequests);
        Assert.Contains("budget", (string?)problem["detail"], StringComparison.Ordinal);
        var retryAfter = int.Parse(over.Response.Header("Retry-After")!, CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 5);
        // The burst of 3 was served (and perhaps one more, had a second passed meanwhile).
        Assert.InRange(over.Served, 3, 4);

        // Once the bucket has refilled, the refused batch is accepted: the 429 stored nothing (else it would be a DUPLICATE).
        var accepted = await Wait.Until(
            () => port.Post("/api/v1/events", over.Body),
            r => r.Status != HttpStatusCode.TooManyRequests,
            "the port key's budget to refill");
        Assert.Equal("ACCEPTED", (string?)accepted.Expect(HttpStatusCode.OK).Body["results"]![0]!["status"]);
    }

    [Fact]
    public async Task Each_key_has_its_own_budget()
    {
        var shunde = As(Keys.ShundePort);
        await Until429(body => shunde.Post("/api/v1/events", body), () => Json.Batch([Departure()]));

        // Another key of the same role still has its whole burst.
        var results = (await As(Keys.HashedPort).Post("/api/v1/events", Json.Batch([Departure()]))).Expect(HttpStatusCode.OK);
        Assert.Equal("ACCEPTED", (string?)results.Body["results"]![0]!["status"]);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_share_their_address_budget_counted_before_the_key_is_refused()
    {
        var unknownKey = As("no-such-key");
        var over = await Until429(async _ => (await unknownKey.Get("/api/v1/shipments/ANY-1")).Expect401Or429(), () => []);

        // Until the burst of 2 was used, the unknown key was refused with 401; then the address itself is refused.
        Assert.InRange(over.Served, 2, 3);
        over.Response.Problem(HttpStatusCode.TooManyRequests);
        Assert.NotNull(over.Response.Header("Retry-After"));
        (await As(null).Get("/api/v1/conveyances/rail/X8426-20210115")).Problem(HttpStatusCode.TooManyRequests);

        // A valid key from the same address draws on its own budget, and probes are never limited.
        (await As(Keys.Admin).Get("/api/v1/conveyances/rail/NO-SUCH-TRAIN")).Problem(HttpStatusCode.NotFound);
        (await As(null).Get("/health/ready")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task In_Development_a_budget_that_is_not_configured_is_unlimited()
    {
        // Forwarder budgets are not configured on this silo: 30 requests at once are all answered.
        var forwarder = As(Keys.Forwarder);
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => forwarder.Get("/api/v1/shipments/NOT-BOOKED-1")));
        Assert.All(answers, a => a.Problem(HttpStatusCode.NotFound));
    }

    [Fact]
    public void Outside_Development_every_budget_has_a_default_and_configuration_overrides_it()
    {
        var configured = Section(("port:permitsPerSecond", "5"), ("port:burst", "7"));

        var production = Api.RateLimits.Budgets(configured, development: false);
        Assert.Equal((50, 100), (production["forwarder"].PermitsPerSecond, production["forwarder"].Burst));
        Assert.Equal((5, 7), (production["port"].PermitsPerSecond, production["port"].Burst));
        Assert.Equal((500, 1000), (production["admin"].PermitsPerSecond, production["admin"].Burst));
        Assert.Equal((10, 20), (production["anonymous"].PermitsPerSecond, production["anonymous"].Burst));

        var development = Api.RateLimits.Budgets(configured, development: true);
        Assert.Equal(["port"], development.Keys);

        var noDefaults = Api.RateLimits.Budgets(Section(), development: false);
        Assert.Equal((200, 400), (noDefaults["port"].PermitsPerSecond, noDefaults["port"].Burst));
    }

    [Fact]
    public void A_budget_below_one_stops_the_silo_with_its_name()
    {
        var configured = Section(("admin:permitsPerSecond", "0"), ("admin:burst", "10"));

        var error = Assert.Throws<InvalidOperationException>(() => Api.RateLimits.Budgets(configured, development: false));
        Assert.Contains("Transit:RateLimits:admin", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();

    private static JsonObject Departure() =>
        Json.Transport("DEPA", "BARGE", Ids.Conveyance("RL"), Json.Shunde, Times.HoursAgo(1));

    /// <summary>Sends requests one after another until one is refused with 429; answers it, how many were served before, and its body.</summary>
    private static async Task<(ApiResponse Response, int Served, JsonObject Body)> Until429(
        Func<JsonObject, Task<ApiResponse>> send, Func<JsonObject> body, int atMost = 10)
    {
        for (var served = 0; served < atMost; served++)
        {
            var sent = body();
            var response = await send(sent);
            if (response.Status == HttpStatusCode.TooManyRequests)
            {
                return (response, served, sent);
            }

            Assert.NotEqual(HttpStatusCode.InternalServerError, response.Status);
        }

        throw new Xunit.Sdk.XunitException($"no 429 within {atMost} requests");
    }
}

internal static class LimitedResponses
{
    public static ApiResponse Expect401Or429(this ApiResponse response)
    {
        Assert.True(response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{response.Status}: {response.Text}");
        return response;
    }
}
