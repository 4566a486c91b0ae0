using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuthAndDocsTests(TransitApiFixture api)
{
    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/api/v1/shipments/ANY-1" },
        { "GET", "/api/v1/shipments?container=CSQU3054383" },
        { "DELETE", "/api/v1/shipments/ANY-1" },
        { "POST", "/api/v1/shipments" },
        { "POST", "/api/v1/events" },
        { "GET", "/api/v1/conveyances/rail/X8426-20210115" },
        { "GET", "/api/v1/shipments" },
        { "GET", "/api/v1/locations" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task No_key_is_401_problem(string method, string path)
    {
        var problem = (await Call(api.Anonymous, method, path)).Problem(HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", (string?)problem["detail"]);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Unknown_key_is_401_problem(string method, string path)
    {
        var response = await Call(api.As("no-such-key"), method, path);
        response.Problem(HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey header=\"X-Api-Key\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_key_configured_by_its_hash_only_is_that_key()
    {
        var results = await api.Submit([Json.Transport("DEPA", "BARGE", Ids.Conveyance("BRG"), Json.Shunde, Times.HoursAgo(2))], Keys.HashedPort);
        Assert.Equal("ACCEPTED", (string?)results[0]!["status"]);

        // A port key still, so not a forwarder's.
        var problem = (await api.As(Keys.HashedPort).Get("/api/v1/shipments/ANY-1")).Problem(HttpStatusCode.Forbidden);
        Assert.Equal("A port key may not do this; it needs a forwarder or admin key.", (string?)problem["detail"]);
    }

    [Fact]
    public void A_keys_identity_carries_its_role_name_locations_and_event_types_as_claims()
    {
        var key = new ApiKeyRegistry([new ApiKeyOptions { Key = "sde", Role = "customs", Name = "shunde-customs", Locations = { "CNSUD" } }])
            .Resolve("sde")!;

        var identity = new ApiKeyIdentity(key, ApiKeyAuthenticationHandler.SchemeName);

        Assert.Equal("shunde-customs", identity.Name);
        Assert.True(identity.HasClaim(ClaimTypes.Role, "customs"));
        Assert.Equal(key.Hash, identity.FindFirst(ApiKeyIdentity.KeyHashClaim)?.Value);
        Assert.Equal(["CNSUD"], identity.FindAll(ApiKeyIdentity.LocationClaim).Select(c => c.Value));
        Assert.Equal(["CUSTOMS"], identity.FindAll(ApiKeyIdentity.EventTypeClaim).Select(c => c.Value));
    }

    [Fact]
    public async Task Port_key_may_not_book_403_and_nothing_is_booked()
    {
        var id = Ids.Shipment("AUTH-PORT");
        var booking = Json.OnePortBooking(id, Ids.Container(), Ids.Conveyance("BRG"), Ids.Conveyance("VSL"));

        (await api.Port.Post("/api/v1/shipments", booking)).Problem(HttpStatusCode.Forbidden);

        (await api.Admin.Get($"/api/v1/shipments/{id}")).Problem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "/api/v1/shipments/ANY-1")]
    [InlineData("GET", "/api/v1/shipments?container=CSQU3054383")]
    [InlineData("DELETE", "/api/v1/shipments/ANY-1")]
    public async Task Port_key_may_not_use_the_forwarder_endpoints_403(string method, string path) =>
        (await Call(api.Port, method, path)).Problem(HttpStatusCode.Forbidden);

    [Fact]
    public async Task Forwarder_key_may_not_report_events_403_and_nothing_is_stored()
    {
        var e = Json.Customs("CUSR", Ids.Container(), Json.Shunde, "2020-11-30T08:40:00+08:00");

        (await api.Forwarder.Post("/api/v1/events", Json.Batch([e]))).Problem(HttpStatusCode.Forbidden);

        // Had the refused batch been stored, the same eventId would now be a DUPLICATE.
        Assert.Equal("ACCEPTED", (string?)(await api.Submit([e]))[0]!["status"]);
    }

    [Fact]
    public async Task Admin_may_report_events_and_port_keys_may_read_conveyances()
    {
        var barge = Ids.Conveyance("BRG");
        var results = await api.Submit([Json.Transport("DEPA", "BARGE", barge, Json.Shunde, "2020-11-30T09:12:00+08:00")], Keys.Admin);
        Assert.Equal("ACCEPTED", (string?)results[0]!["status"]);

        (await api.Port.Get($"/api/v1/conveyances/barge/{barge}")).Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_needs_no_key(string path) =>
        (await api.Anonymous.Get(path)).Expect(HttpStatusCode.OK);

    [Fact]
    public async Task Ready_reports_storage()
    {
        var health = (await api.Anonymous.Get("/health/ready")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("Healthy", (string?)health["status"]);
        Assert.NotNull(health["checks"]!["storage"]);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_paths_without_a_key()
    {
        var response = (await api.Anonymous.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK);
        Assert.Equal("application/json", response.MediaType);
        var document = response.Body;
        Assert.StartsWith("3.", (string?)document["openapi"]);
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/shipments", paths);
        Assert.Contains("/api/v1/shipments/{shipmentId}", paths);
        Assert.Contains("/api/v1/events", paths);
        Assert.Contains("/api/v1/conveyances/{mode}/{conveyanceId}", paths);
        Assert.NotNull(document["paths"]!["/api/v1/shipments"]!["post"]);
        Assert.NotNull(document["paths"]!["/api/v1/shipments/{shipmentId}"]!["delete"]);
    }

    private static Task<ApiResponse> Call(ApiClient client, string method, string path) => method switch
    {
        "GET" => client.Get(path),
        "DELETE" => client.Delete(path),
        _ => client.Post(path, new JsonObject()),
    };
}
