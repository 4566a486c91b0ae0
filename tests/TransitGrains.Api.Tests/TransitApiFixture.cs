using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using NodaTime;
using NodaTime.Text;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Silo;

namespace TransitGrains.Api.Tests;

// Shared support for the API tests: the host fixture, an HTTP client per API key, and builders for the
// JSON bodies of api.md. Everything goes through real Kestrel and real HTTP; nothing calls grains directly.

/// <summary>One silo + API for all API test classes: starting Orleans costs seconds, and each test uses its own ids.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<TransitApiFixture>
{
    public const string Name = "TransitGrains API";
}

public static class Keys
{
    public const string Admin = "dev-admin-key";
    public const string Forwarder = "dev-forwarder-key";
    public const string OtherForwarder = "dev-forwarder2-key";
    public const string Port = "dev-port-key";

    public const string Customs = "dev-customs-key";

    /// <summary>Added to every test silo: a port system that may report at Shunde (CNSUD) only, named <see cref="ShundePortName"/>.</summary>
    public const string ShundePort = "sde-port-key";

    public const string ShundePortName = "shunde-terminal";

    /// <summary>Added to every test silo: the customs office at Shunde (CNSUD), named <see cref="ShundeCustomsName"/>.</summary>
    public const string ShundeCustoms = "sde-customs-key";

    public const string ShundeCustomsName = "shunde-customs";

    /// <summary>Added to every test silo as <see cref="HashedPortHash"/> (its SHA-256, upper-case hex) only: a port system everywhere.</summary>
    public const string HashedPort = "hashed-port-key";

    public const string HashedPortHash = "3C6D174F7D171806E4E221258AE6A640C50E8E6E63335082FB9243552BF9869F";

    public const string ForwarderCode = "FWD-DEMO";
    public const string OtherForwarderCode = "FWD-OTHER";
}

/// <summary>The silo host exactly as <c>Program.cs</c> builds it, in Development, on free ports.</summary>
public sealed class TransitApiFixture : IAsyncLifetime
{
    private RunningSilo? _silo;

    public Uri BaseAddress => _silo!.BaseAddress;

    public ApiClient Anonymous => As(null);
    public ApiClient Admin => As(Keys.Admin);
    public ApiClient Forwarder => As(Keys.Forwarder);
    public ApiClient OtherForwarder => As(Keys.OtherForwarder);
    public ApiClient Port => As(Keys.Port);

    public ApiClient As(string? key) => _silo!.As(key);

    public async Task InitializeAsync() => _silo = await RunningSilo.Start();

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    /// <summary>Books and expects 201; answers the shipment.</summary>
    public async Task<JsonObject> Book(JsonObject booking, string key = Keys.Forwarder) =>
        (await As(key).Post("/api/v1/shipments", booking)).Expect(HttpStatusCode.Created).Body;

    public async Task<JsonObject> Shipment(string shipmentId, string key = Keys.Forwarder) =>
        (await As(key).Get($"/api/v1/shipments/{shipmentId}")).Expect(HttpStatusCode.OK).Body;

    /// <summary>Posts one batch and expects 200 with one result per event, in order; answers the results.</summary>
    public async Task<JsonArray> Submit(IReadOnlyList<JsonObject> events, string key = Keys.Port)
    {
        var results = (await As(key).Post("/api/v1/events", Json.Batch(events))).Expect(HttpStatusCode.OK).Body["results"]!.AsArray();
        Assert.Equal(events.Count, results.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal((string?)events[i]["eventId"], (string?)results[i]!["eventId"]);
        }

        return results;
    }

    /// <summary>Posts events (each as its own batch, in the given order) and expects every one ACCEPTED.</summary>
    public async Task Report(params JsonObject[] events)
    {
        foreach (var e in events)
        {
            var result = (await Submit([e]))[0]!;
            Assert.True((string?)result["status"] == "ACCEPTED", $"{e.ToJsonString()} -> {result.ToJsonString()}");
        }
    }

    /// <summary>Books a declared one-port shipment (barge Shunde → Nansha, then the vessel) with fresh ids.</summary>
    public async Task<(string Id, string Container, string Barge)> BookOnePort(string prefix)
    {
        var id = Ids.Shipment(prefix);
        var container = Ids.Container();
        var barge = Ids.Conveyance("BRG");
        await Book(Json.OnePortBooking(id, container, barge, Ids.Conveyance("VSL")));
        return (id, container, barge);
    }

    /// <summary>
    /// Customs release at Shunde, loading on the barge and its departure, a few hours ago by the real clock (so the
    /// 60-day exit deadline lies ahead): what makes a declared one-port shipment's refund due. Answers the DEPA time.
    /// </summary>
    public async Task<string> ReleaseLoadAndDepartBarge(string container, string barge)
    {
        var departure = Times.HoursAgo(3);
        await Report(
            Json.Customs("CUSR", container, Json.Shunde, Times.HoursAgo(5)),
            Json.Equipment("LOAD", container, Json.Shunde, Times.HoursAgo(4), "BARGE", barge),
            Json.Transport("DEPA", "BARGE", barge, Json.Shunde, departure));
        return departure;
    }
}

/// <summary>
/// A silo host exactly as <c>Program.cs</c> builds it, in Development with the embedded profile, on free ports, with the
/// test keys of <see cref="Keys"/> and any settings (<c>--key=value</c>) on top; and an HTTP client to it.
/// </summary>
public sealed class RunningSilo : IAsyncDisposable
{
    private RunningSilo(WebApplication app)
    {
        App = app;
        BaseAddress = BaseAddressOf(app);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public ApiClient As(string? key) => new(Http, key);

    public static Task<RunningSilo> Start(params string[] settings) => Start(configure: null, settings);

    /// <param name="configure">runs before the silo registers its services: where it adds one only when missing (the event-id
    /// ledger), the test's wins</param>
    public static async Task<RunningSilo> Start(Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var ports = FreePorts(2);
        var app = SiloHost.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--environment=Development",
            // appsettings*.json (dev keys, refund policies) are copied next to the test assembly, not the working directory.
            $"--contentRoot={AppContext.BaseDirectory}",
            "--applicationName=TransitGrains.Silo",
            $"--Transit:Cluster:SiloPort={ports[0]}",
            $"--Transit:Cluster:GatewayPort={ports[1]}",
            $"--Transit:Cluster:ClusterId=api-tests-{Guid.NewGuid():N}",
            // The embedded profile (in-memory storage, triggers to the log), whatever the environment says.
            "--ConnectionStrings:Transit=",
            "--ConnectionStrings:TaxQueue=",
            "--Logging:LogLevel:Default=Warning",
            // High indexes, so that the entries are added to the Development keys rather than replacing one.
            $"--Transit:ApiKeys:97:key={Keys.ShundePort}",
            "--Transit:ApiKeys:97:role=port",
            "--Transit:ApiKeys:97:locations:0=CNSUD",
            $"--Transit:ApiKeys:97:name={Keys.ShundePortName}",
            $"--Transit:ApiKeys:98:key={Keys.ShundeCustoms}",
            "--Transit:ApiKeys:98:role=customs",
            "--Transit:ApiKeys:98:locations:0=CNSUD",
            $"--Transit:ApiKeys:98:name={Keys.ShundeCustomsName}",
            // A key configured by its SHA-256 only, as operators store them.
            $"--Transit:ApiKeys:99:keyHash={Keys.HashedPortHash}",
            "--Transit:ApiKeys:99:role=port",
            "--Transit:ApiKeys:99:locations:0=*",
            .. settings,
        ], configure);
        await app.StartAsync();
        return new RunningSilo(app);
    }

    public static Uri BaseAddressOf(WebApplication app) => new(app.Urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal)));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static int[] FreePorts(int count)
    {
        // All listeners stay open until every port is chosen, so the ports differ from each other.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

/// <summary>Plain HTTP with one API key (or none).</summary>
public sealed class ApiClient(HttpClient http, string? key)
{
    public Task<ApiResponse> Get(string path) => Send(HttpMethod.Get, path, null);

    public Task<ApiResponse> Delete(string path) => Send(HttpMethod.Delete, path, null);

    public Task<ApiResponse> Post(string path, JsonNode body) => PostRaw(path, body.ToJsonString());

    /// <summary>Posts <paramref name="body"/> as <paramref name="mediaType"/>; null sends it without a Content-Type.</summary>
    public Task<ApiResponse> PostRaw(string path, string body, string? mediaType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8, mediaType ?? "text/plain");
        if (mediaType is null)
        {
            content.Headers.ContentType = null;
        }

        return Send(HttpMethod.Post, path, content);
    }

    private async Task<ApiResponse> Send(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await http.SendAsync(request);
        return new ApiResponse(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.Location,
            await response.Content.ReadAsStringAsync(),
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase));
    }
}

public sealed record ApiResponse(HttpStatusCode Status, string? MediaType, Uri? Location, string Text, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public JsonObject Body => JsonNode.Parse(Text)?.AsObject() ?? throw new InvalidOperationException("empty body");

    public ApiResponse Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status} {status}, got {(int)Status} {Status}: {Text}");
        return this;
    }

    /// <summary>An RFC 9457 problem with this status, a title and a detail; answers the problem object.</summary>
    public JsonObject Problem(HttpStatusCode status)
    {
        Expect(status);
        Assert.Equal("application/problem+json", MediaType);
        var problem = Body;
        Assert.Equal((int)status, (int?)problem["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), Text);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), Text);
        return problem;
    }

    /// <summary>A 400 validation problem; answers its <c>errors</c> object (field → messages).</summary>
    public JsonObject ValidationErrors()
    {
        var errors = Problem(HttpStatusCode.BadRequest)["errors"];
        Assert.True(errors is JsonObject { Count: > 0 }, $"expected a non-empty 'errors' object: {Text}");
        return errors!.AsObject();
    }
}

/// <summary>Unique ids per test, so that tests can share one silo.</summary>
public static class Ids
{
    private static int _counter;

    private static int Next() => Interlocked.Increment(ref _counter);

    public static string Shipment(string prefix) => $"{prefix}-{Next():D5}";

    public static string Conveyance(string prefix) => $"{prefix}-{Next():D5}";

    public static string Event() => $"EV-{Guid.NewGuid():N}";

    /// <summary>A valid ISO 6346 number, never used before in this run.</summary>
    public static string Container()
    {
        var firstTen = $"TGTU{Next():D6}";
        return firstTen + ContainerNumber.CheckDigit(firstTen);
    }

    public static string WithWrongCheckDigit(string container) => container[..10] + (char)('0' + ((container[10] - '0' + 1) % 10));
}

/// <summary>Times as partners send them: ISO-8601 with an offset, whole seconds.</summary>
public static class Times
{
    public static readonly DateTimeZone China = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private static readonly OffsetDateTimePattern Pattern = OffsetDateTimePattern.Rfc3339;

    private static readonly Regex WithOffset = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$");

    /// <summary>The real clock: the refund deadline and the ACT future limit are judged against it.</summary>
    public static Instant Now => SystemClock.Instance.GetCurrentInstant();

    public static string At(Instant instant, int offsetHours = 8) =>
        Pattern.Format(Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds()).WithOffset(Offset.FromHours(offsetHours)));

    public static string HoursAgo(double hours, int offsetHours = 8) => At(Now - Duration.FromMilliseconds((long)(hours * 3_600_000)), offsetHours);

    public static Instant Parse(string text) => Pattern.Parse(text).Value.ToInstant();

    public static void AssertHasOffset(string? text) =>
        Assert.True(text is not null && WithOffset.IsMatch(text), $"'{text}' is not an ISO-8601 time with an offset");
}

/// <summary>Request bodies with exactly the property names of api.md.</summary>
public static class Json
{
    public const string Shunde = "CNSUD";
    public const string Nansha = "CNNSA";
    public const string Rotterdam = "NLRTM";
    public const string Dalang = "CNDLG";
    public const string Manzhouli = "CNMZL";
    public const string Moscow = "RUMOW";

    public static JsonObject Leg(string mode, string conveyanceId, string from, string to, string? plannedDeparture = null, string? plannedArrival = null)
    {
        var leg = new JsonObject { ["mode"] = mode, ["conveyanceId"] = conveyanceId, ["from"] = from, ["to"] = to };
        if (plannedDeparture is not null)
        {
            leg["plannedDeparture"] = plannedDeparture;
        }

        if (plannedArrival is not null)
        {
            leg["plannedArrival"] = plannedArrival;
        }

        return leg;
    }

    public static JsonObject Booking(string shipmentId, IEnumerable<string> containers, IEnumerable<JsonObject> legs, bool declaration = false, string tradeMode = "GENERAL")
    {
        var booking = new JsonObject
        {
            ["shipmentId"] = shipmentId,
            ["containers"] = new JsonArray(containers.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
            ["tradeMode"] = tradeMode,
            ["legs"] = new JsonArray(legs.Cast<JsonNode>().ToArray()),
        };
        if (declaration)
        {
            booking["exportDeclaration"] = new JsonObject
            {
                ["number"] = "530120201000012345",
                ["exporterTaxId"] = "91440600MA4WXXXX1X",
                ["dangerousGoods"] = false,
            };
        }

        return booking;
    }

    /// <summary>The "one port" route of api.md: a barge from Shunde to Nansha, then the ocean vessel to Rotterdam.</summary>
    public static JsonObject OnePortBooking(string shipmentId, string container, string barge, string vessel, bool declaration = true) =>
        Booking(shipmentId, [container],
        [
            Leg("BARGE", barge, Shunde, Nansha, "2020-11-30T09:00:00+08:00", "2020-11-30T17:00:00+08:00"),
            Leg("VESSEL", vessel, Nansha, Rotterdam, "2020-12-02T22:00:00+08:00", "2021-01-08T06:00:00+01:00"),
        ], declaration);

    public static JsonObject Transport(string code, string mode, string conveyanceId, string location, string at) => new()
    {
        ["eventId"] = Ids.Event(),
        ["eventType"] = "TRANSPORT",
        ["eventCode"] = code,
        ["classifier"] = "ACT",
        ["eventDateTime"] = at,
        ["location"] = location,
        ["modeOfTransport"] = mode,
        ["conveyanceId"] = conveyanceId,
    };

    /// <summary>LOAD/DISC name the conveyance; GTIN, GTOT and the others do not.</summary>
    public static JsonObject Equipment(string code, string container, string location, string at, string? mode = null, string? conveyanceId = null)
    {
        var e = new JsonObject
        {
            ["eventId"] = Ids.Event(),
            ["eventType"] = "EQUIPMENT",
            ["eventCode"] = code,
            ["classifier"] = "ACT",
            ["eventDateTime"] = at,
            ["location"] = location,
            ["containerNumber"] = container,
        };
        if (mode is not null)
        {
            e["modeOfTransport"] = mode;
            e["conveyanceId"] = conveyanceId;
        }

        return e;
    }

    public static JsonObject Customs(string code, string container, string location, string at) => new()
    {
        ["eventId"] = Ids.Event(),
        ["eventType"] = "CUSTOMS",
        ["eventCode"] = code,
        ["classifier"] = "ACT",
        ["eventDateTime"] = at,
        ["location"] = location,
        ["containerNumber"] = container,
        ["declarationNumber"] = "530120201000012345",
    };

    /// <summary>A copy with some properties replaced (a JSON null removes the property).</summary>
    public static JsonObject With(this JsonObject source, params (string Name, string? Value)[] changes)
    {
        var copy = source.DeepClone().AsObject();
        foreach (var (name, value) in changes)
        {
            if (value is null)
            {
                copy.Remove(name);
            }
            else
            {
                copy[name] = value;
            }
        }

        return copy;
    }

    public static JsonObject Batch(IEnumerable<JsonNode> events) =>
        new() { ["events"] = new JsonArray(events.Select(e => e.DeepClone()).ToArray()) };

    public static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToArray();
}

public static class Wait
{
    /// <summary>Polls a condition on the API for asynchronous work (trigger delivery); fails after the timeout.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
