using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace TransitGrains.Api;

public static class ApiJson
{
    /// <summary>camelCase, enums as their UPPER_CASE names, times as ISO-8601 with offset (instants in UTC, "Z").</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter());
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
    }

    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }

    /// <summary>Reads a JSON body; a body that is not JSON of the expected shape becomes a 400 problem naming where it broke.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, request.HttpContext.RequestAborted);
            return value is null ? (null, Problems.BadBody("The body is empty or null; send a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            var detail = $"The body is not valid JSON of the expected shape{(field is null ? "" : $" at {field}")}.";
            return (null, field is null
                ? Problems.BadBody(detail)
                : Problems.Validation(new Dictionary<string, string[]> { [field] = ["has the wrong JSON type or is malformed"] }, detail));
        }
    }
}
