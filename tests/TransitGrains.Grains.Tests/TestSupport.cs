using System.Collections;
using System.Diagnostics;
using System.Reflection;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Grains.Tests;

/// <summary>Fresh identifiers: the tests share one cluster, so each scenario works on its own grains.</summary>
public static class Ids
{
    private static int s_counter;

    public static string Next(string prefix) => $"{prefix}-{Interlocked.Increment(ref s_counter):D5}";

    /// <summary>A valid ISO 6346 number (computed check digit) that no other test uses.</summary>
    public static ContainerNumber Container()
    {
        var firstTen = $"TGRU{Interlocked.Increment(ref s_counter):D6}";
        return ContainerNumber.Parse(firstTen + ContainerNumber.CheckDigit(firstTen));
    }

    public static IReadOnlyList<ContainerNumber> Containers(int count) =>
        Enumerable.Range(0, count).Select(_ => Container()).ToList();
}

/// <summary>Events and bookings as the API would hand them to the grains after validation.</summary>
public static class Make
{
    public const string Forwarder = "FWD-TEST";

    public static readonly Offset China = Offset.FromHours(8);

    /// <summary>A local time in China on 2020-11-30 (the day of the samples), plus whole days.</summary>
    public static OffsetDateTime ChinaTime(int hour, int minute, int plusDays = 0) =>
        new LocalDateTime(2020, 11, 30, hour, minute).PlusDays(plusDays).WithOffset(China);

    public static TransitEvent Transport(
        EventCode code, TransportMode mode, string conveyanceId, string location, OffsetDateTime at,
        EventClassifier classifier = EventClassifier.ACT, string? eventId = null) =>
        new(eventId ?? Ids.Next("EV"), EventType.TRANSPORT, code, classifier, at, UnLocode.Parse(location), null,
            mode, conveyanceId, null, null, ClusterFixture.Clock.GetCurrentInstant());

    /// <summary>LOAD/DISC name their conveyance; other equipment events leave it out.</summary>
    public static TransitEvent Equipment(
        EventCode code, ContainerNumber container, string location, OffsetDateTime at,
        TransportMode? mode = null, string? conveyanceId = null, string? eventId = null) =>
        new(eventId ?? Ids.Next("EV"), EventType.EQUIPMENT, code, EventClassifier.ACT, at, UnLocode.Parse(location), "T1",
            mode, conveyanceId, container, null, ClusterFixture.Clock.GetCurrentInstant());

    public static TransitEvent Customs(EventCode code, ContainerNumber container, string location, OffsetDateTime at) =>
        new(Ids.Next("EV"), EventType.CUSTOMS, code, EventClassifier.ACT, at, UnLocode.Parse(location), null,
            null, null, container, "530120201000012345", ClusterFixture.Clock.GetCurrentInstant());

    public static PlannedLeg Leg(TransportMode mode, string conveyanceId, string from, string to) =>
        new(mode, conveyanceId, UnLocode.Parse(from), UnLocode.Parse(to), null, null);

    public static ShipmentBooking Booking(
        string shipmentId, IReadOnlyList<ContainerNumber> containers, params PlannedLeg[] legs) =>
        new(shipmentId, Forwarder, TradeMode.GENERAL, containers, null, legs);

    public static ExportDeclaration Declaration() => new("530120201000012345", "91440600MA4WXXXX1X", DangerousGoods: false);
}

public static class GrainExtensions
{
    public static async Task<ShipmentView> View(this IGrainFactory grains, string shipmentId)
    {
        var view = await grains.GetGrain<IShipmentGrain>(shipmentId).GetView(includeTimeline: true);
        Assert.NotNull(view);
        return view;
    }

    public static Task<IReadOnlyList<EventOutcome>> Submit(this IGrainFactory grains, params TransitEvent[] events) =>
        grains.GetGrain<IEventIntakeGrain>(0).Submit(events);

    public static async Task<ShipmentView> BookCreated(this IGrainFactory grains, ShipmentBooking booking)
    {
        var result = await grains.GetGrain<IShipmentGrain>(booking.ShipmentId).Book(booking);
        Assert.Equal(BookingOutcome.Created, result.Outcome);
        return result.Shipment!;
    }

    public static int TimelineCount(this ShipmentView view, string eventId) =>
        view.Timeline!.Count(e => e.EventId == eventId);
}

public static class Poll
{
    /// <summary>
    /// Probes until <paramref name="done"/> holds or the timeout passes, and returns the last answer; the
    /// caller asserts on it, so a timeout fails with the state that was actually seen.
    /// </summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, double timeoutSeconds = 20)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || watch.Elapsed.TotalSeconds > timeoutSeconds)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>
/// Structural equality, deep. Records compare their lists by reference, and Assert.Equivalent sees nothing
/// in a NodaTime <see cref="Instant"/> (no public properties), so neither would catch a lost nanosecond.
/// Equatable structs, enums and strings compare with Equals (NodaTime: exact, offset included); sequences
/// element by element; other objects property by property.
/// </summary>
public static class Deep
{
    public static void Equal(object? expected, object? actual) => Compare(expected, actual, "value");

    private static void Compare(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        // An interface-typed list (IReadOnlyList from a collection expression) comes back as a List: the
        // elements matter, not the collection class.
        if (expected is IEnumerable sequence && expected is not string)
        {
            Assert.True(actual is IEnumerable, $"{path}: expected a sequence, got a {actual.GetType().Name}");
            var left = sequence.Cast<object?>().ToList();
            var right = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path}: expected {left.Count} items, got {right.Count}");
            for (var i = 0; i < left.Count; i++)
            {
                Compare(left[i], right[i], $"{path}[{i}]");
            }

            return;
        }

        var type = expected.GetType();
        Assert.True(type == actual.GetType(), $"{path}: expected a {type.Name}, got a {actual.GetType().Name}");
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum || IsEquatable(type))
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            return;
        }

        // Other structs (e.g. a dictionary's KeyValuePair) and classes: member by member.
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                Compare(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
            }
        }
    }

    private static bool IsEquatable(Type type) =>
        type.IsValueType && typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type);
}

/// <summary>Declared goods by barge from a departure port (Shunde) to an exit port (Nansha), then on by vessel: a refund is due at the barge's departure.</summary>
public sealed record QualifyingShipment(ShipmentBooking Booking, string Barge, string Vessel)
{
    public string Id => Booking.ShipmentId;

    public static async Task<QualifyingShipment> BookAsync(IGrainFactory grains, int containers)
    {
        var barge = Ids.Next("SUIGANG");
        var vessel = Ids.Next("COSCO");
        var booking = Make.Booking(
            Ids.Next("TAX"),
            Ids.Containers(containers),
            Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA"),
            Make.Leg(TransportMode.VESSEL, vessel, "CNNSA", "NLRTM")) with { ExportDeclaration = Make.Declaration() };
        await grains.BookCreated(booking);
        return new QualifyingShipment(booking, barge, vessel);
    }

    public TransitEvent[] Releases() =>
        Booking.Containers.Select(c => Make.Customs(EventCode.CUSR, c, "CNSUD", Make.ChinaTime(8, 40))).ToArray();

    public TransitEvent[] Loads() =>
        Booking.Containers.Select(c => Make.Equipment(EventCode.LOAD, c, "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, Barge)).ToArray();

    public TransitEvent BargeDeparture() =>
        Make.Transport(EventCode.DEPA, TransportMode.BARGE, Barge, "CNSUD", Make.ChinaTime(9, 12));
}
