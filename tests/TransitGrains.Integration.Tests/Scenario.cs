namespace TransitGrains.Integration.Tests;

/// <summary>Request bodies of a one-port shipment: barge Shunde (CNSDE) → Nansha (CNNSA), then an ocean vessel.</summary>
public static class Scenario
{
    public const string Barge = "SUIGANG903-2611A";
    public const string Vessel = "COSCOPRIDE-147W";

    public static object Booking(string shipmentId, string forwarder, params string[] containers) => new
    {
        shipmentId,
        forwarder,
        containers,
        tradeMode = "GENERAL",
        exportDeclaration = new { number = $"DECL-{shipmentId}", exporterTaxId = "91440600MA4WXXXX1X", dangerousGoods = false },
        legs = new object[]
        {
            new { mode = "BARGE", conveyanceId = Barge, from = "CNSDE", to = "CNNSA",
                  plannedDeparture = "2026-11-26T09:00:00+08:00", plannedArrival = "2026-11-26T17:00:00+08:00" },
            new { mode = "VESSEL", conveyanceId = Vessel, from = "CNNSA", to = "NLRTM",
                  plannedDeparture = "2026-11-28T22:00:00+08:00", plannedArrival = "2026-12-30T06:00:00+01:00" },
        },
    };

    public static object BargeDeparture(string container, string prefix = "SDE") => new
    {
        events = new object[]
        {
            new { eventId = $"{prefix}-{container}-CUSR", eventType = "CUSTOMS", eventCode = "CUSR",
                  eventDateTime = "2026-11-26T08:40:00+08:00", location = "CNSDE", containerNumber = container },
            new { eventId = $"{prefix}-{container}-LOAD", eventType = "EQUIPMENT", eventCode = "LOAD",
                  eventDateTime = "2026-11-26T08:55:00+08:00", location = "CNSDE", modeOfTransport = "BARGE",
                  conveyanceId = Barge, containerNumber = container },
            new { eventId = $"{prefix}-{Barge}-DEPA", eventType = "TRANSPORT", eventCode = "DEPA",
                  eventDateTime = "2026-11-26T09:12:00+08:00", location = "CNSDE", modeOfTransport = "BARGE", conveyanceId = Barge },
        },
    };
}
