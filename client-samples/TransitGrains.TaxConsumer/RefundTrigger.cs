using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace TransitGrains.TaxConsumer;

/// <summary>
/// The queue message as TransitGrains documents it (api.md, "Tax systems: refund triggers").
/// Defined here rather than referenced so this sample can be copied on its own.
/// </summary>
public sealed record RefundTrigger(
    string MessageId,
    string Kind,
    string ShipmentId,
    string DeclarationNumber,
    string ExporterTaxId,
    IReadOnlyList<string> Containers,
    string DeparturePort,
    string ExitPort,
    string ConveyanceId,
    OffsetDateTime? ReleasedAt,
    OffsetDateTime? DepartedAt,
    OffsetDateTime? ExitedAt,
    OffsetDateTime? Deadline,
    string? Reason,
    OffsetDateTime IssuedAt)
{
    public const string RefundEligible = "REFUND_ELIGIBLE";
    public const string ExitConfirmed = "EXIT_CONFIRMED";
    public const string RefundRevoked = "REFUND_REVOKED";

    /// <summary>camelCase JSON with ISO-8601 times that carry their offset.</summary>
    public static JsonSerializerOptions Json { get; } = CreateJsonOptions();

    /// <summary>Parses and checks one message; throws <see cref="JsonException"/> when it is not a trigger.</summary>
    public static RefundTrigger Parse(string json)
    {
        var trigger = JsonSerializer.Deserialize<RefundTrigger>(json, Json)
            ?? throw new JsonException("The message is JSON null, not a trigger.");
        if (trigger.Kind is not (RefundEligible or ExitConfirmed or RefundRevoked))
        {
            throw new JsonException($"Unknown trigger kind '{trigger.Kind}'.");
        }

        return trigger;
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            // Keeps "+08:00" and non-ASCII text readable in the ledger file (the default escapes them for HTML).
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // A trigger missing a required field is malformed, not a trigger with blanks.
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return options;
    }
}
