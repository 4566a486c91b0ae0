using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Persistence.Tests;

/// <summary>Events, bookings and decisions as the grains hand them to the journal.</summary>
internal static class Journaled
{
    private static readonly Instant Received = Instant.FromUtc(2020, 11, 30, 1, 13);
    private static int s_containers;

    /// <summary>A container number no other test uses, with its check digit.</summary>
    public static ContainerNumber Container()
    {
        var firstTen = $"TGJU{Interlocked.Increment(ref s_containers):D6}";
        return ContainerNumber.Parse(firstTen + ContainerNumber.CheckDigit(firstTen));
    }

    public static TransitEvent Load(string eventId, ContainerNumber container, string barge = "SG903") => new(
        eventId,
        EventType.EQUIPMENT,
        EventCode.LOAD,
        EventClassifier.ACT,
        new LocalDateTime(2020, 11, 30, 9, 12).WithOffset(Offset.FromHours(8)),
        UnLocode.Parse("CNSUD"),
        null,
        TransportMode.BARGE,
        barge,
        container,
        null,
        Received);

    public static TransitEvent Departure(string eventId, string barge) => new(
        eventId,
        EventType.TRANSPORT,
        EventCode.DEPA,
        EventClassifier.ACT,
        new LocalDateTime(2020, 11, 30, 9, 30).WithOffset(Offset.FromHours(8)),
        UnLocode.Parse("CNSUD"),
        null,
        TransportMode.BARGE,
        barge,
        null,
        null,
        Received);

    public static BookShipment Booking(string shipmentId, string forwarder, Instant bookedAt, IReadOnlyList<ContainerNumber> containers, string barge = "SG903")
    {
        var booking = new ShipmentBooking(shipmentId, forwarder, TradeMode.GENERAL, containers, null,
            [new PlannedLeg(TransportMode.BARGE, barge, UnLocode.Parse("CNSUD"), UnLocode.Parse("CNNSA"), null, null)]);
        return new BookShipment(new ShipmentBooked(booking, bookedAt, new EtaChange(bookedAt, null, "booked")));
    }

    /// <summary>A decision that only changes what the listing shows.</summary>
    public static RecordDecision Listed(string shipmentId, ShipmentStatus status) =>
        new(shipmentId, new ShipmentDecided([], null, [], [], 0, status), status, null);
}
