using System.Text.Json;
using BenchmarkDotNet.Attributes;
using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.PortSimulator;

namespace TransitGrains.Benchmarks;

/// <summary>
/// The domain work per event and per read: folding a shipment of 20 events (3 containers on a one-port barge
/// to Nansha, then a vessel, with a declaration) and validating what partners send.
/// </summary>
[MemoryDiagnoser]
public class DomainBenchmarks
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private ShipmentBooking _booking = null!;
    private List<TransitEvent> _events = null!;
    private ShipmentRecord _record = null!;
    private RefundPolicyBook _policies = null!;
    private BookingRequest _bookingRequest = null!;
    private EventSubmission _submission = null!;
    private Instant _now;

    [GlobalSetup]
    public void Setup()
    {
        _now = SystemClock.Instance.GetCurrentInstant();
        var workloads = new Workloads(new HashSet<string>(), _now, "MICRO");
        var (bookings, events) = workloads.MemoryShipments(1);
        var declared = bookings[0] with { ExportDeclaration = new PortSimulator.ExportDeclaration("530121123456789012", "91440600MA4WXXXX1X", false) };

        // Through the wire format, as the API receives them: the simulator's records become the domain's requests.
        _bookingRequest = Convert<BookingRequest>(declared);
        _booking = BookingValidator.Validate(_bookingRequest, "FWD-DEMO").Value ?? throw new InvalidOperationException("booking invalid");
        var submissions = events.Select(Convert<EventSubmission>).ToList();
        _submission = submissions[2]; // a LOAD: conveyance, container and location to check
        _events = submissions.Select(s => EventValidator.Validate(s, _now).Value ?? throw new InvalidOperationException($"event {s.EventId} invalid")).ToList();
        if (_events.Count != 20)
        {
            throw new InvalidOperationException($"expected 20 events, got {_events.Count}");
        }

        _record = new ShipmentRecord(_booking, _now - Duration.FromDays(11), null, _events, [], []);
        _policies = new RefundPolicyBook(
        [
            new RefundPolicy("CaiShui [2020] No. 48", new LocalDate(2020, 10, 1), null, new HashSet<TransportMode> { TransportMode.BARGE },
                Network.Feeders.Select(f => Locode(f.Place.Code)).ToHashSet(), new HashSet<UnLocode> { Locode("CNNSA") }, 60),
        ]);
    }

    [Benchmark]
    public ShipmentProgress Fold20Events() => ShipmentFold.Fold(_booking, _events);

    [Benchmark]
    public ShipmentEvaluation Evaluate20Events() => ShipmentProjection.Evaluate(_record, _policies, _now);

    [Benchmark]
    public object ValidateEvent() => EventValidator.Validate(_submission, _now);

    [Benchmark]
    public object ValidateBooking() => BookingValidator.Validate(_bookingRequest, "FWD-DEMO");

    [Benchmark]
    public bool ParseContainerNumber() => ContainerNumber.TryParse("CSQU3054383", out _, out _);

    private static T Convert<T>(object wire) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(wire, WireJson.Options), Web)!;

    private static UnLocode Locode(string text) => UnLocode.TryParse(text, out var code) ? code : throw new ArgumentException(text);
}
