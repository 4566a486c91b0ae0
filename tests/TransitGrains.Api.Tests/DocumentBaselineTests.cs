using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

/// <summary>
/// The served OpenAPI document only grows: every operation of the document served before it was generated from the
/// endpoints' types (<c>OpenApi/v1-before-typed-results.json</c>, as it was served then) is still there, under the same
/// operationId, with every parameter, request body media type and status code it had. Clients generated from the old
/// document keep working.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DocumentBaselineTests(TransitApiFixture api)
{
    [Fact]
    public async Task The_served_document_is_a_superset_of_the_baseline()
    {
        var baseline = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "OpenApi", "v1-before-typed-results.json")))!.AsObject();
        var served = (await api.Anonymous.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK).Body;

        var missing = Missing(baseline, served).ToList();

        Assert.True(missing.Count == 0, "missing from the served document:\n" + string.Join("\n", missing));
        // The baseline is a real document, so the comparison above compared something.
        Assert.True(Contract(baseline).Count() >= 50, "the baseline lists too few operations, parameters and statuses");
    }

    [Fact]
    public void The_comparison_names_what_a_document_lost()
    {
        var before = JsonNode.Parse("""
            { "paths": { "/a/{id}": { "get": { "operationId": "GetA", "parameters": [ { "name": "id", "in": "path" }, { "name": "q", "in": "query" } ],
                                             "responses": { "200": {}, "404": {} } },
                                    "post": { "operationId": "PostA", "requestBody": { "content": { "application/json": {} } }, "responses": { "201": {} } } } } }
            """)!.AsObject();
        var after = JsonNode.Parse("""
            { "paths": { "/a/{id}": { "get": { "operationId": "ReadA", "parameters": [ { "name": "id", "in": "path" } ],
                                             "responses": { "200": {}, "400": {} } } } } }
            """)!.AsObject();

        Assert.Equal(
            ["GET /a/{id} operationId GetA", "GET /a/{id} parameter query q", "GET /a/{id} response 404", "POST /a/{id}"],
            Missing(before, after).Order(StringComparer.Ordinal));
        Assert.Empty(Missing(before, before));
    }

    /// <summary>What <paramref name="baseline"/> promises that <paramref name="served"/> does not, one line each.</summary>
    private static IEnumerable<string> Missing(JsonObject baseline, JsonObject served)
    {
        var offered = Contract(served).ToHashSet(StringComparer.Ordinal);
        var operations = Operations(served).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in Operations(baseline).Where(o => !operations.Contains(o.Name)))
        {
            yield return name;
        }

        foreach (var promise in Contract(baseline).Where(p => !offered.Contains(p) && operations.Contains(OperationOf(p))))
        {
            yield return promise;
        }
    }

    private static string OperationOf(string promise) => string.Join(' ', promise.Split(' ').Take(2));

    /// <summary>Each operation's id, parameters, request body media types and status codes, as "METHOD /path what".</summary>
    private static IEnumerable<string> Contract(JsonObject document)
    {
        foreach (var (name, operation) in Operations(document))
        {
            yield return $"{name} operationId {(string?)operation["operationId"]}";
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                yield return $"{name} parameter {(string?)parameter!["in"]} {(string?)parameter["name"]}";
            }

            foreach (var (mediaType, _) in operation["requestBody"]?["content"]?.AsObject() ?? [])
            {
                yield return $"{name} body {mediaType}";
            }

            foreach (var (status, _) in operation["responses"]?.AsObject() ?? [])
            {
                yield return $"{name} response {status}";
            }
        }
    }

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(method => ($"{method.Key.ToUpperInvariant()} {path.Key}", method.Value!.AsObject())));
}
