using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Integration.Tests;

/// <summary>Request bodies: one-port shipments (barge Shunde CNSUD → Nansha CNNSA, then an ocean vessel), trains, port events.</summary>
public static class Scenario
{
    public const string Barge = "SUIGANG903-2611A";
    public const string Vessel = "COSCOPRIDE-147W";

    /// <summary>China Standard Time, the offset of the Pearl River ports and of Dalang.</summary>
    public static readonly Offset China = Offset.FromHours(8);

    private static readonly OffsetDateTimePattern Time = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<m>");

    public static object Booking(string shipmentId, string forwarder, params string[] containers) =>
        Booking(shipmentId, forwarder, containers, Barge, Vessel);

    public static object Booking(string shipmentId, string forwarder, IReadOnlyList<string> containers, string barge, string vessel) => new
    {
        shipmentId,
        forwarder,
        containers,
        tradeMode = "GENERAL",
        exportDeclaration = new { number = $"DECL-{shipmentId}", exporterTaxId = "91440600MA4WXXXX1X", dangerousGoods = false },
        legs = new object[]
        {
            new { mode = "BARGE", conveyanceId = barge, from = "CNSUD", to = "CNNSA",
                  plannedDeparture = "2026-11-26T09:00:00+08:00", plannedArrival = "2026-11-26T17:00:00+08:00" },
            new { mode = "VESSEL", conveyanceId = vessel, from = "CNNSA", to = "NLRTM",
                  plannedDeparture = "2026-11-28T22:00:00+08:00", plannedArrival = "2026-12-30T06:00:00+01:00" },
        },
    };

    /// <summary>One rail leg Dalang (CNDLG) → Manzhouli (CNMZL): its containers are aboard once the train departs.</summary>
    public static object RailBooking(string shipmentId, string train, string container) => new
    {
        shipmentId,
        forwarder = "FWD-DEMO",
        containers = new[] { container },
        tradeMode = "GENERAL",
        legs = new object[] { new { mode = "RAIL", conveyanceId = train, from = "CNDLG", to = "CNMZL" } },
    };

    public static object BargeDeparture(string container, string prefix = "SDE")
    {
        var day = new LocalDate(2026, 11, 26);
        return Batch(
            Customs($"{prefix}-{container}-CUSR", "CUSR", (day + new LocalTime(8, 40)).WithOffset(China), "CNSUD", container),
            Equipment($"{prefix}-{container}-LOAD", "LOAD", (day + new LocalTime(8, 55)).WithOffset(China), "CNSUD", container, "BARGE", Barge),
            Transport($"{prefix}-{Barge}-DEPA", "DEPA", (day + new LocalTime(9, 12)).WithOffset(China), "CNSUD", "BARGE", Barge));
    }

    /// <summary>A valid ISO 6346 number (owner code TGL, equipment category U) for a test's own serial.</summary>
    public static string Container(int serial)
    {
        var firstTen = $"TGLU{serial:D6}";
        return firstTen + ContainerNumber.CheckDigit(firstTen);
    }

    public static Instant InstantOf(PortEvent e) => Time.Parse(e.EventDateTime).GetValueOrThrow().ToInstant();

    /// <summary>The body of <c>POST /api/v1/events</c>.</summary>
    public static object Batch(params IEnumerable<PortEvent> events) => new { events = events.ToList() };

    public static PortEvent Transport(string eventId, string code, OffsetDateTime at, string location, string mode, string conveyanceId) =>
        new(eventId, "TRANSPORT", code, Time.Format(at), location, mode, conveyanceId);

    public static PortEvent Equipment(
        string eventId, string code, OffsetDateTime at, string location, string container, string? mode = null, string? conveyanceId = null) =>
        new(eventId, "EQUIPMENT", code, Time.Format(at), location, mode, conveyanceId, container);

    public static PortEvent Customs(string eventId, string code, OffsetDateTime at, string location, string container) =>
        new(eventId, "CUSTOMS", code, Time.Format(at), location, ContainerNumber: container);
}

/// <summary>One event as a port system reports it; absent fields are left out of the JSON.</summary>
public sealed record PortEvent(
    string EventId,
    string EventType,
    string EventCode,
    string EventDateTime,
    string Location,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModeOfTransport = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConveyanceId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContainerNumber = null)
{
    /// <summary><c>{MODE}/{id}</c> of the conveyance it names, if any; not sent.</summary>
    [JsonIgnore]
    public string? ConveyanceKey => ConveyanceId is null ? null : $"{ModeOfTransport}/{ConveyanceId}";
}
