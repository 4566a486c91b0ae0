using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace TransitGrains.Abstractions;

/// <summary>How the service writes JSON for its users: the API's answers and the webhook bodies alike.</summary>
public static class ApiJsonConventions
{
    /// <summary>camelCase, enums as their UPPER_CASE names, times as ISO-8601 with offset (instants in UTC, "Z").</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter());
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
    }
}
