using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace TransitGrains.ForwarderCli;

// The parts of the API's shipment that this program shows. Statuses stay strings: a newer service may add
// values, and an old copy of this program should still print them.

public sealed record Shipment(
    string ShipmentId,
    string Forwarder,
    string TradeMode,
    string Status,
    IReadOnlyList<ShipmentContainer> Containers,
    int CurrentLeg,
    IReadOnlyList<Leg> Legs,
    OffsetDateTime? Eta,
    Customs? Customs,
    TaxRefund? TaxRefund,
    IReadOnlyList<TimelineEntry>? Timeline);

public sealed record ShipmentContainer(string ContainerNumber, string Status, string? Location, string? ConveyanceId);

public sealed record Leg(
    string Mode,
    string ConveyanceId,
    string From,
    string To,
    string Status,
    OffsetDateTime? PlannedDeparture,
    OffsetDateTime? EstimatedDeparture,
    OffsetDateTime? ActualDeparture,
    OffsetDateTime? PlannedArrival,
    OffsetDateTime? EstimatedArrival,
    OffsetDateTime? ActualArrival,
    IReadOnlyList<string>? TranshippedTo);

public sealed record Customs(string Status, string? Location, OffsetDateTime? ReleasedAt);

public sealed record TaxRefund(string Status, string? DeparturePort, string? ExitPort, OffsetDateTime? Deadline, IReadOnlyList<Trigger>? Triggers);

public sealed record Trigger(string MessageId, string Kind, Instant? DeliveredAt, string? Reason);

public sealed record TimelineEntry(
    string EventId,
    string EventCode,
    string Classifier,
    OffsetDateTime EventDateTime,
    string Location,
    string? ModeOfTransport,
    string? ConveyanceId,
    string? ContainerNumber,
    string? ReportedBy);

public sealed record ShipmentList(IReadOnlyList<Shipment> Items);

/// <summary>A webhook subscription; <c>secret</c> only in the answer that made or rotated it.</summary>
public sealed record Subscription(
    string SubscriptionId,
    string CallbackUrl,
    IReadOnlyList<string> Types,
    IReadOnlyList<string> ShipmentIds,
    IReadOnlyList<string> Containers,
    IReadOnlyList<string> EventCodes,
    string Status,
    Instant CreatedAt,
    string? Secret);

public sealed record SubscriptionList(IReadOnlyList<Subscription> Items);

/// <summary>One attempt to deliver a notification to a subscription.</summary>
public sealed record DeliveryAttempt(
    string WebhookId, string Type, string? ShipmentId, int Attempt, Instant AttemptedAt, int? StatusCode, string? Error, Instant? DeliveredAt, Instant? NextAttemptAt);

public sealed record DeliveryList(IReadOnlyList<DeliveryAttempt> Items);

public static class Json
{
    /// <summary>The API's conventions: camelCase, times as ISO-8601 with an offset (NodaTime keeps the offset the service answered with).</summary>
    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    }.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
}
