namespace TransitGrains.Domain.Events;

// Member names are the wire values of the public contract (DCSA Track & Trace codes), so that
// the code speaks the same language as the partners' messages.

public enum EventType
{
    TRANSPORT,
    EQUIPMENT,
    CUSTOMS,
}

public enum EventCode
{
    // TRANSPORT: a conveyance
    DEPA,
    ARRI,
    CROS,

    // EQUIPMENT: a container
    GTIN,
    GTOT,
    LOAD,
    DISC,
    STUF,
    STRP,

    // CUSTOMS: a container or declaration
    CUSR,
    CUSI,
    CUSH,
    CUSX,
}

public enum EventClassifier
{
    ACT,
    EST,
    PLN,
}

/// <summary>Whether a container moved empty or laden (DCSA's emptyIndicatorCode; EDIFACT's full/empty indicator).</summary>
public enum EmptyIndicator
{
    EMPTY,
    LADEN,
}

public enum TransportMode
{
    RAIL,
    BARGE,
    VESSEL,
    TRUCK,
}

public enum TradeMode
{
    GENERAL,
    CBEC_B2B_9710,
    CBEC_B2B_9810,
    MARKET_PROCUREMENT_1039,
    POSTAL,
    USED_VEHICLE,
}

public static class EventVocabulary
{
    public static EventType TypeOf(EventCode code) => code switch
    {
        EventCode.DEPA or EventCode.ARRI or EventCode.CROS => EventType.TRANSPORT,
        EventCode.CUSR or EventCode.CUSI or EventCode.CUSH or EventCode.CUSX => EventType.CUSTOMS,
        _ => EventType.EQUIPMENT,
    };

    /// <summary>LOAD and DISC move a container on or off a conveyance, so they name both.</summary>
    public static bool MovesContainer(EventCode code) => code is EventCode.LOAD or EventCode.DISC;
}
