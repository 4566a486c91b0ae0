using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TransitGrains.Abstractions;

namespace TransitGrains.Api;

public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJsonConventions.Configure(options);
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
