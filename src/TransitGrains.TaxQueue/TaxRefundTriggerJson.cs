using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue;

/// <summary>The JSON form of <see cref="TaxRefundTriggerMessage"/> on the queue.</summary>
public static class TaxRefundTriggerJson
{
    /// <summary>
    /// camelCase names, nulls written (the contract shows <c>"exitedAt": null</c>), and NodaTime's
    /// RFC 3339 patterns, so an <see cref="OffsetDateTime"/> reads <c>2020-11-30T09:12:00+08:00</c>
    /// literally: the default encoder would write the plus sign as <c>\u002B</c> (it escapes for
    /// HTML), which this text never goes into.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(TaxRefundTriggerMessage message) => JsonSerializer.Serialize(message, Options);

    /// <exception cref="JsonException">The text is not a trigger message.</exception>
    public static TaxRefundTriggerMessage Deserialize(string json) =>
        JsonSerializer.Deserialize<TaxRefundTriggerMessage>(json, Options)
        ?? throw new JsonException("A tax refund trigger message must be a JSON object, not null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
