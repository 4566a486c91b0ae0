using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Orleans.Serialization;
using Orleans.TestingHost;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// The messages grains exchange, with NodaTime values at their edges (offsets east, west and zero,
/// nanoseconds, before 1970), through the Orleans serializer of the client and of a silo, through deep
/// copy, and through a real call from one silo to the other.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SerializationTests(ClusterFixture fixture)
{
    private static readonly OffsetDateTime ShenzhenNanos =
        new LocalDateTime(2020, 11, 30, 9, 12, 0).PlusNanoseconds(123_456_789).WithOffset(Offset.FromHours(8));

    private static readonly OffsetDateTime RotterdamMillis =
        new LocalDateTime(2021, 1, 8, 6, 0, 0, 5).WithOffset(Offset.FromHours(1));

    private static readonly OffsetDateTime UtcNanos =
        new LocalDateTime(2020, 12, 31, 23, 59, 59).PlusNanoseconds(999_999_999).WithOffset(Offset.Zero);

    private static readonly OffsetDateTime NewfoundlandSeconds =
        new LocalDateTime(2021, 2, 28, 12, 30, 15).WithOffset(Offset.FromHoursAndMinutes(-3, -30));

    private static readonly Instant ReceivedNanos = Instant.FromUtc(2020, 11, 30, 1, 12, 0).PlusNanoseconds(1);

    public static TheoryData<string> Values => new(Samples.Keys);

    private static readonly Dictionary<string, object> Samples = new()
    {
        ["instant after 1970 with nanoseconds"] = ReceivedNanos,
        ["instant before 1970, one nanosecond before midnight"] = Instant.FromUtc(1969, 12, 31, 23, 59, 59).PlusNanoseconds(999_999_999),
        ["offset date-time +08:00 with nanoseconds"] = ShenzhenNanos,
        ["offset date-time -03:30"] = NewfoundlandSeconds,
        ["transit event +08:00"] = TransportEvent(ShenzhenNanos),
        ["transit event +01:00"] = EquipmentEvent(RotterdamMillis),
        ["transit event Z"] = EquipmentEvent(UtcNanos),
        ["shipment booking"] = SampleBooking(),
        ["shipment view"] = SampleView(),
        ["journal record of a booking"] = new ShipmentBooked(SampleBooking(), ReceivedNanos, new EtaChange(ReceivedNanos, RotterdamMillis, "booked")),
        ["journal record of a decision"] = new ShipmentDecided(["SDE-20201130-0001"], new EtaChange(ReceivedNanos, null, "SDE-20201130-0001"), [], [], 3, ShipmentStatus.IN_TRANSIT),
        ["shipment state"] = SampleState(),
        ["conveyance state"] = SampleConveyanceState(),
        ["subscription state"] = SampleSubscriptionState(),
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Client_serializer_round_trip_keeps_every_value(string sample) =>
        AssertRoundTrips(fixture.Cluster.Client.ServiceProvider, Samples[sample]);

    [Theory]
    [MemberData(nameof(Values))]
    public void Silo_serializer_round_trip_keeps_every_value(string sample)
    {
        foreach (var silo in fixture.Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            AssertRoundTrips(silo.ServiceProvider, Samples[sample]);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Call_from_one_silo_to_the_other_keeps_every_value(string sample)
    {
        var value = Samples[sample];
        var back = await fixture.Grains.GetGrain<IRelayGrain>(0).RoundTripViaOtherSilo(value);
        Deep.Equal(value, back);
    }

    [Fact]
    public async Task A_booked_shipment_read_from_the_other_silo_equals_what_booking_answered()
    {
        // The shipment grain answers the client through the wire; the relay reads the same view silo to silo.
        var containers = Ids.Containers(2);
        var booking = SampleBooking() with { ShipmentId = Ids.Next("SER"), Containers = containers };
        var booked = await fixture.Grains.BookCreated(booking);
        var viewed = await fixture.Grains.View(booking.ShipmentId);
        Deep.Equal(booked, viewed);
        Deep.Equal(viewed, await fixture.Grains.GetGrain<IRelayGrain>(0).RoundTripViaOtherSilo(viewed));
        Assert.Equal(booking.Legs[1].PlannedArrival, viewed.Legs[1].PlannedArrival);
        Assert.Equal(Offset.FromHours(1), viewed.Legs[1].PlannedArrival!.Value.Offset);
    }

    [Fact]
    public void The_comparer_used_here_notices_one_nanosecond_and_a_different_offset()
    {
        // Guards the guard: a deep comparison that saw nothing would make every test above pass.
        var e = TransportEvent(ShenzhenNanos);
        Assert.ThrowsAny<Exception>(() => Deep.Equal(e, e with { ReceivedAt = e.ReceivedAt.PlusNanoseconds(1) }));
        Assert.ThrowsAny<Exception>(() => Deep.Equal(e, e with { EventDateTime = e.EventDateTime.WithOffset(Offset.Zero) }));
        var decided = new ShipmentDecided([], new EtaChange(ReceivedNanos, e.EventDateTime, "x"), [], [], 0, ShipmentStatus.BOOKED);
        Assert.ThrowsAny<Exception>(() => Deep.Equal(decided, decided with { Eta = new EtaChange(ReceivedNanos.PlusNanoseconds(1), e.EventDateTime, "x") }));
    }

    private static void AssertRoundTrips(IServiceProvider services, object value)
    {
        var serializer = services.GetRequiredService<Serializer>();
        Deep.Equal(value, serializer.Deserialize<object>(serializer.SerializeToArray(value)));
        Deep.Equal(value, services.GetRequiredService<DeepCopier>().Copy(value));
    }

    [Fact]
    public void An_event_stored_before_reporters_were_kept_reads_back_without_a_reporter()
    {
        // The event as it was stored before it had a ReportedBy field: the same fields under the same ids, nothing more.
        var serializer = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var stored = serializer.SerializeToArray(new TransitEventBeforeReporters(
            "SDE-20201130-0001", EventType.TRANSPORT, EventCode.DEPA, EventClassifier.ACT, ShenzhenNanos, UnLocode.Parse("CNSUD"), "BJT",
            TransportMode.BARGE, "SUIGANG903-2011A", null, null, ReceivedNanos));

        var read = serializer.Deserialize<TransitEvent>(stored)!;

        Deep.Equal(TransportEvent(ShenzhenNanos) with { ReportedBy = null }, read);
        Assert.Null(TimelineEntry.Of(read).ReportedBy);
    }

    private static TransitEvent TransportEvent(OffsetDateTime at) => new(
        "SDE-20201130-0001", EventType.TRANSPORT, EventCode.DEPA, EventClassifier.ACT, at, UnLocode.Parse("CNSUD"), "BJT",
        TransportMode.BARGE, "SUIGANG903-2011A", null, null, ReceivedNanos) { ReportedBy = "shunde-terminal" };

    private static TransitEvent EquipmentEvent(OffsetDateTime at) => new(
        "RTM-0001", EventType.EQUIPMENT, EventCode.DISC, EventClassifier.ACT, at, UnLocode.Parse("NLRTM"), "ECT",
        TransportMode.VESSEL, "COSCOPRIDE-047W", ContainerNumber.Parse("CSQU3054383"), null, ReceivedNanos);

    private static ShipmentBooking SampleBooking() => new(
        "GZ21-000123",
        Make.Forwarder,
        TradeMode.CBEC_B2B_9810,
        [ContainerNumber.Parse("CSQU3054383")],
        Make.Declaration(),
        [
            new PlannedLeg(TransportMode.BARGE, "SUIGANG903-2011A", UnLocode.Parse("CNSUD"), UnLocode.Parse("CNNSA"),
                ShenzhenNanos, ShenzhenNanos.PlusHours(8)),
            new PlannedLeg(TransportMode.VESSEL, "COSCOPRIDE-047W", UnLocode.Parse("CNNSA"), UnLocode.Parse("NLRTM"),
                UtcNanos, RotterdamMillis),
        ]);

    private static ShipmentView SampleView() => new(
        "GZ21-000123",
        Make.Forwarder,
        TradeMode.GENERAL,
        ShipmentStatus.IN_TRANSIT,
        [new ContainerView("CSQU3054383", ContainerStatus.ON_CONVEYANCE, "CNSUD", "SUIGANG903-2011A", TransportMode.BARGE)],
        0,
        [
            new LegView(TransportMode.BARGE, "SUIGANG903-2011A", "CNSUD", "CNNSA", LegStatus.DEPARTED,
                ShenzhenNanos, null, ShenzhenNanos.PlusMinutes(12), ShenzhenNanos.PlusHours(8), NewfoundlandSeconds, null, ["OTHER"]),
        ],
        RotterdamMillis,
        new CustomsView(CustomsStatus.RELEASED, "CNSUD", ShenzhenNanos),
        new TaxRefundView(TaxRefundStatus.TRIGGERED, "CNSUD", "CNNSA", UtcNanos,
            [new TriggerView("GZ21-000123:REFUND_ELIGIBLE", TaxRefundTriggerKind.REFUND_ELIGIBLE, ReceivedNanos, null, null)]),
        [TimelineEntry.Of(TransportEvent(ShenzhenNanos)), TimelineEntry.Of(EquipmentEvent(UtcNanos))],
        ReceivedNanos,
        ReceivedNanos.PlusNanoseconds(7),
        [new EtaChange(ReceivedNanos, RotterdamMillis, "booked"), new EtaChange(ReceivedNanos, null, "SDE-20201130-0001")]);

    private static ConveyanceState SampleConveyanceState()
    {
        var state = new ConveyanceState
        {
            Transport = [TransportEvent(ShenzhenNanos)],
            Legs = [new BookedLeg("GZ21-000123", UnLocode.Parse("CNSUD"), [ContainerNumber.Parse("CSQU3054383")])],
            Position = 17,
        };
        state.Moves.Record(EquipmentEvent(RotterdamMillis) with { EventCode = EventCode.LOAD });
        return state;
    }

    private static ShipmentState SampleState() => new()
    {
        Booking = SampleBooking(),
        BookedAt = ReceivedNanos,
        CancelledAt = null,
        Events = [TransportEvent(ShenzhenNanos), EquipmentEvent(RotterdamMillis)],
        Outbox = [OutboxEntry.Pending(new TaxRefundTrigger(
            TaxRefundTriggerKind.REFUND_ELIGIBLE, "GZ21-000123", "530120201000012345", "91440600MA4WXXXX1X", ["CSQU3054383"],
            "CNSUD", "CNNSA", "SUIGANG903-2011A", ShenzhenNanos, ShenzhenNanos, null, UtcNanos, null, ReceivedNanos))
            .Failed(ReceivedNanos)],
        EtaHistory = [new EtaChange(ReceivedNanos, RotterdamMillis, "booked")],
        Notifications =
        [
            NotificationEntry.For(new ShipmentNotification(3, NotificationTypes.Event, ReceivedNanos, "GZ21-000123",
                Event: TimelineEntry.Of(TransportEvent(ShenzhenNanos))), "sub_1"),
            NotificationEntry.For(new ShipmentNotification(4, NotificationTypes.EtaChanged, ReceivedNanos, "GZ21-000123",
                Eta: RotterdamMillis, PreviousEta: NewfoundlandSeconds), "sub_1") with { Attempts = 2, NextAttemptAt = ReceivedNanos.PlusNanoseconds(3) },
            NotificationEntry.For(new ShipmentNotification(5, NotificationTypes.TaxRefundChanged, ReceivedNanos, "GZ21-000123",
                TaxRefund: SampleView().TaxRefund), "sub_2"),
        ],
        NotificationsMade = 6,
    };

    private static SubscriptionState SampleSubscriptionState() => new()
    {
        Subscription = new Subscription("sub_1", null, "https://receiver.example/hook", NotificationTypes.All, ["GZ21-000123"],
            ["CSQU3054383"], [EventCode.DEPA, EventCode.ARRI], SubscriptionStatus.DISABLED, ReceivedNanos),
        Keys = [new SigningKey([1, 2, 3], ReceivedNanos), new SigningKey([4, 5, 6], null)],
        Deliveries = [new DeliveryAttempt("msg_1", NotificationTypes.StatusChanged, "GZ21-000123", 2, ReceivedNanos, null, "no answer within 15 s", null, ReceivedNanos)],
    };
}

/// <summary><see cref="TransitEvent"/> as it was stored before it carried <see cref="TransitEvent.ReportedBy"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record TransitEventBeforeReporters(
    [property: Id(0)] string EventId,
    [property: Id(1)] EventType EventType,
    [property: Id(2)] EventCode EventCode,
    [property: Id(3)] EventClassifier Classifier,
    [property: Id(4)] OffsetDateTime EventDateTime,
    [property: Id(5)] UnLocode Location,
    [property: Id(6)] string? Facility,
    [property: Id(7)] TransportMode? ModeOfTransport,
    [property: Id(8)] string? ConveyanceId,
    [property: Id(9)] ContainerNumber? ContainerNumber,
    [property: Id(10)] string? DeclarationNumber,
    [property: Id(11)] Instant ReceivedAt);
