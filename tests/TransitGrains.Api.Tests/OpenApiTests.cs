using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary>
/// api.md 1.1 "Operations": the served OpenAPI document is one a client generator can use. It is checked as served,
/// linted with Redocly's recommended rules, and turned into a C# client with Kiota that books, reports and reads.
/// Redocly and Kiota are installed by scripts/tools.sh (which scripts/test.sh runs); without them these tests fail.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(TransitApiFixture api) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("transit-openapi-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_description_the_key_scheme_and_its_refusals()
    {
        var document = await Document();
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", (string?)scheme["type"]);
        Assert.Equal("header", (string?)scheme["in"]);
        Assert.Equal("X-Api-Key", (string?)scheme["name"]);

        var operations = Operations(document).ToList();
        var ids = operations.Select(o => (string?)o.Operation["operationId"]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), new HashSet<string?> { "BookShipment", "GetShipment", "ListShipments", "CancelShipment", "ReportEvents", "GetConveyance" });
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["operationId"]), name);
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), name);
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["description"]), name);
            Assert.NotNull(operation["security"]![0]!["ApiKey"]);
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("401"), $"{name}: 401");
            Assert.True(responses.ContainsKey("429"), $"{name}: 429");
            Assert.NotNull(responses["429"]!["headers"]!["Retry-After"]);
        }

        // Where a role is refused, the 403 is listed.
        Assert.True(Operation(document, "BookShipment")["responses"]!.AsObject().ContainsKey("403"));
        Assert.True(Operation(document, "ReportEvents")["responses"]!.AsObject().ContainsKey("403"));
    }

    [Theory]
    [InlineData("BookShipment")]
    [InlineData("CancelShipment")]
    [InlineData("ReportEvents")]
    [InlineData("GetShipment")]
    [InlineData("ListShipments")]
    [InlineData("GetConveyance")]
    public async Task Operations_that_need_the_store_list_503_with_Retry_After(string operationId)
    {
        var unavailable = Operation(await Document(), operationId)["responses"]!["503"]!;

        Assert.Contains("store is unavailable", (string?)unavailable["description"], StringComparison.Ordinal);
        Assert.NotNull(unavailable["content"]!["application/problem+json"]);
        Assert.Equal("integer", (string?)unavailable["headers"]!["Retry-After"]!["schema"]!["type"]);
    }

    [Theory]
    [InlineData("BookShipment", "BookingBody", "shipmentId")]
    [InlineData("ReportEvents", "EventBatch", "events")]
    [InlineData("CreateSubscription", "SubscriptionBody", "callbackUrl")]
    public async Task Posts_describe_their_body_with_a_schema_and_api_md_s_example(string operationId, string schema, string exampleProperty)
    {
        var document = await Document();
        var body = Operation(document, operationId)["requestBody"]!;
        Assert.True((bool?)body["required"]);
        var json = body["content"]!["application/json"]!;
        Assert.Equal($"#/components/schemas/{schema}", (string?)json["schema"]!["$ref"]);
        Assert.NotNull(json["example"]![exampleProperty]);
        Assert.NotEmpty(document["components"]!["schemas"]![schema]!["required"]!.AsArray());
    }

    [Fact]
    public async Task The_EDIFACT_report_takes_its_interchange_as_text_in_either_media_type_with_an_example()
    {
        var operation = Operation(await Document(), "ReportEdifact");
        var body = operation["requestBody"]!;
        Assert.True((bool?)body["required"]);
        var content = body["content"]!.AsObject();

        Assert.Equal(["application/edifact", "text/plain"], content.Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.All(content, c => Assert.Equal("string", (string?)c.Value!["schema"]!["type"]));
        Assert.All(content, c => Assert.StartsWith("UNA:+.? '", (string?)c.Value!["example"], StringComparison.Ordinal));
        Assert.Equal(["200", "400", "401", "403", "415", "429", "503"],
            operation["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_webhook_operations_list_every_status_and_the_secret_rotation_its_optional_body()
    {
        var document = await Document();
        var expected = new Dictionary<string, string[]>
        {
            ["CreateSubscription"] = ["201", "400", "401", "403", "429"],
            ["ListSubscriptions"] = ["200", "401", "403", "429"],
            ["GetSubscription"] = ["200", "401", "403", "404", "429"],
            ["DeleteSubscription"] = ["204", "401", "403", "404", "429"],
            ["RotateSubscriptionSecret"] = ["201", "400", "401", "403", "404", "429"],
            ["ListSubscriptionDeliveries"] = ["200", "400", "401", "403", "404", "429"],
        };
        foreach (var (operationId, statuses) in expected)
        {
            Assert.Equal(statuses, Operation(document, operationId)["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        }

        var rotation = Operation(document, "RotateSubscriptionSecret")["requestBody"]!;
        Assert.NotEqual(true, (bool?)rotation["required"]);
        var json = rotation["content"]!["application/json"]!;
        Assert.Equal("#/components/schemas/SecretBody", (string?)json["schema"]!["$ref"]);
        Assert.StartsWith("whsec_", (string?)json["example"]!["secret"], StringComparison.Ordinal);
        Assert.Equal(["callbackUrl"], Json.Strings(document["components"]!["schemas"]!["SubscriptionBody"]!["required"]));
    }

    [Fact]
    public async Task Times_are_strings_with_an_offset_and_the_notes_on_silent_points_are_kept()
    {
        var document = await Document();
        var eta = document["components"]!["schemas"]!["ShipmentView"]!["properties"]!["eta"]!;
        Assert.Equal("date-time", (string?)eta["format"]);
        Assert.Contains("the v1 contract is silent", (string?)document["info"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listing_documents_its_parameters_as_they_are_read_and_its_next_cursor()
    {
        var document = await Document();
        var parameters = Operation(document, "ListShipments")["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!["schema"]!);

        Assert.Equal(["container", "cursor", "forwarder", "limit", "status"], parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["BOOKED", "IN_TRANSIT", "COMPLETED", "CANCELLED"], Json.Strings(parameters["status"]["enum"]));
        Assert.Equal(("integer", 1, 200, 50), ((string?)parameters["limit"]["type"], (int?)parameters["limit"]["minimum"], (int?)parameters["limit"]["maximum"], (int?)parameters["limit"]["default"]));
        Assert.Equal("string", (string?)parameters["cursor"]["type"]);
        var list = document["components"]!["schemas"]!["ShipmentList"]!;
        Assert.Equal(["null", "string"], Json.Strings(list["properties"]!["nextCursor"]!["type"]).Order(StringComparer.Ordinal));
        Assert.True(Operation(document, "ListShipments")["responses"]!.AsObject().ContainsKey("400"));
    }

    [Fact]
    public async Task Redocly_finds_no_error()
    {
        var file = await SaveDocument();
        var redocly = Path.Combine(Repository.Root, ".tools", "redocly", "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} is missing: run scripts/tools.sh (scripts/test.sh does)");

        var lint = await Run(redocly, ["lint", file, "--config", Path.Combine(Repository.Root, ".config", "redocly.yaml"), "--format=json"]);

        var report = JsonNode.Parse(lint.Standard)!;
        Assert.True((int?)report["totals"]!["errors"] == 0, lint.Standard);
        Assert.Equal(0, lint.ExitCode);
    }

    [Fact]
    public async Task A_client_Kiota_generates_from_the_served_document_books_reports_and_reads()
    {
        var file = await SaveDocument();
        var project = Path.Combine(_work.FullName, "RoundTrip");
        var generate = await Run("dotnet",
        [
            "tool", "run", "kiota", "generate", "--language", "CSharp", "--openapi", file, "--output", Path.Combine(project, "Client"),
            "--class-name", "TransitClient", "--namespace-name", "Transit.Client", "--exclude-backward-compatible",
        ]);
        Assert.True(generate.ExitCode == 0, $"kiota generate (restore it with scripts/tools.sh): {generate.Output}");

        File.Copy(Path.Combine(AppContext.BaseDirectory, "GeneratedClient", "RoundTrip.cs"), Path.Combine(project, "RoundTrip.cs"));
        await File.WriteAllTextAsync(Path.Combine(project, "RoundTrip.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.Kiota.Abstractions" />
                <PackageReference Include="Microsoft.Kiota.Http.HttpClientLibrary" />
                <PackageReference Include="Microsoft.Kiota.Serialization.Json" />
                <PackageReference Include="Microsoft.Kiota.Serialization.Text" />
                <PackageReference Include="Microsoft.Kiota.Serialization.Form" />
                <PackageReference Include="Microsoft.Kiota.Serialization.Multipart" />
              </ItemGroup>
            </Project>
            """);

        var id = Ids.Shipment("KIOTA");
        var run = await Run("dotnet",
        [
            "run", "--project", project, "-c", "Release",
            // The repository's central package versions, though the project lies outside it.
            $"-p:DirectoryPackagesPropsPath={Path.Combine(Repository.Root, "Directory.Packages.props")}",
            "--", api.BaseAddress.ToString().TrimEnd('/'), Keys.Forwarder, Keys.Port, id, Ids.Container(), Ids.Conveyance("BRG"),
            Ids.Conveyance("VSL"), Times.HoursAgo(5), Times.HoursAgo(4), Times.HoursAgo(3),
        ]);

        Assert.True(run.ExitCode == 0, run.Output);
        // The port key has no configured name: its reports are recorded under the start of its SHA-256.
        var portName = ApiKeyRegistry.Hash(Keys.Port)[..8];
        Assert.Contains($"round trip OK: {id} IN_TRANSIT, customs RELEASED, refund TRIGGERED, reported by {portName}", run.Output, StringComparison.Ordinal);
        // What the client did is what the API now says.
        Assert.Equal("TRIGGERED", (string?)(await api.Shipment(id))["taxRefund"]!["status"]);
    }

    private async Task<JsonObject> Document() =>
        (await api.Anonymous.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK).Body;

    private async Task<string> SaveDocument()
    {
        var file = Path.Combine(_work.FullName, "v1.json");
        await File.WriteAllTextAsync(file, (await api.Anonymous.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK).Text);
        return file;
    }

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(method => ($"{method.Key} {path.Key}", method.Value!.AsObject())));

    private static JsonObject Operation(JsonObject document, string operationId) =>
        Operations(document).Single(o => (string?)o.Operation["operationId"] == operationId).Operation;

    /// <summary>Runs a tool from the repository's root (where its dotnet tool manifest is), at most 5 minutes.</summary>
    private static async Task<(int ExitCode, string Standard, string Output)> Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                // Kiota looks for a newer release of itself online unless told it is offline.
                ["KIOTA_OFFLINE_ENABLED"] = "true",
            },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within 5 minutes");
        }

        return (process.ExitCode, await output, await output + await error);
    }
}
