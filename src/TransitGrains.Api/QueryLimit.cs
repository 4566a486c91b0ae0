using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace TransitGrains.Api;

/// <summary>A <c>limit=</c> query parameter: how many items a page holds.</summary>
internal static class QueryLimit
{
    private const string Name = "limit";

    /// <summary>
    /// Reads <paramref name="text"/> as a whole number from 1 to <paramref name="max"/>; <paramref name="fallback"/> when
    /// it is missing. False when it is present and not such a number.
    /// </summary>
    public static bool TryRead(string? text, int fallback, int max, out int limit)
    {
        limit = fallback;
        return text is null
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max);
    }

    public static string Rule(int fallback, int max) => $"a whole number from 1 to {max} (default {fallback})";

    /// <summary>
    /// The parameter in the OpenAPI document as <see cref="TryRead"/> reads it. It is bound as text, so that a bad value is
    /// answered with the parameter's name and rule, and the generator would describe it as a string.
    /// </summary>
    public static RouteHandlerBuilder WithLimit(this RouteHandlerBuilder endpoint, int fallback, int max) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(p => p.Name == Name) ?? [])
            {
                parameter.Description = $"At most this many items: {Rule(fallback, max)}.";
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Minimum = "1",
                    Maximum = max.ToString(CultureInfo.InvariantCulture),
                    Default = JsonValue.Create(fallback),
                };
            }

            return Task.CompletedTask;
        });
}
