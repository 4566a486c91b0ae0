using NodaTime;

namespace TransitGrains.PortSimulator;

/// <summary>What day to simulate, how big, and the seed that makes it repeatable.</summary>
public sealed record DayOptions(LocalDate Start, double Scale, int Seed, string Forwarder = "FWD-DEMO")
{
    /// <summary>Nansha's containers a day (Guangzhou Customs, 2020); scale 1.0 sends this many through it.</summary>
    public const int NanshaContainersPerDay = 7300;

    /// <summary>China–Europe trains leaving Dalang at scale 1.0 (Guangzhou ran 111 in 2020; this is a busy day).</summary>
    public const int TrainsPerDay = 2;

    /// <summary>Days to leave the exit port under the shipped refund policy; the expected refund deadline follows from it.</summary>
    public const int ExitDeadlineDays = 60;
}

/// <summary>
/// Generates one realistic day: one-port barges from the Pearl River feeder ports into Nansha, each container then
/// waiting at the hub and loaded onto an ocean vessel, and China–Europe trains of 41–50 containers from Dalang via
/// the Manzhouli gauge change to Moscow. Everything follows from the seed; the plan says how each shipment ends.
/// </summary>
public sealed class DayGenerator
{
    private static readonly DateTimeZone China = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private readonly DayOptions _options;
    private readonly Random _random;
    private readonly string _tag;
    private readonly HashSet<string> _containerNumbers = [];
    private readonly List<(PortEvent Event, Instant ReportedAt)> _events = [];
    private readonly List<Booking> _bookings = [];
    private readonly List<ShipmentExpectation> _shipments = [];
    private readonly List<ConveyanceExpectation> _conveyances = [];
    private int _shipmentCount;

    private DayGenerator(DayOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        // Conveyance and shipment ids carry the seed, so that runs with other seeds on the same service never meet.
        _tag = $"S{options.Seed}";
    }

    public static SimulationPlan Generate(DayOptions options) => new DayGenerator(options).Build();

    private sealed class Vessel(string id, Destination destination, Instant plannedDeparture, Instant actualDeparture, Instant plannedArrival, Instant actualArrival)
    {
        public string Id { get; } = id;
        public Destination Destination { get; } = destination;
        public Instant PlannedDeparture { get; } = plannedDeparture;
        public Instant ActualDeparture { get; } = actualDeparture;
        public Instant PlannedArrival { get; } = plannedArrival;
        public Instant ActualArrival { get; } = actualArrival;
        public bool Used { get; set; }
    }

    private sealed record BargeVoyage(FeederPort Feeder, string Id, Instant PlannedDeparture, Instant ActualDeparture, Instant PlannedArrival, Instant ActualArrival);

    private SimulationPlan Build()
    {
        var containers = Math.Max(1, (int)Math.Round(DayOptions.NanshaContainersPerDay * _options.Scale));
        var trains = Math.Max(1, (int)Math.Round(DayOptions.TrainsPerDay * _options.Scale));
        var vessels = Vessels(Math.Clamp((containers / 600) + 2, 2, Network.VesselNames.Count));

        Barges(containers, vessels);
        foreach (var vessel in vessels.Where(v => v.Used))
        {
            Voyage(vessel);
        }

        for (var t = 0; t < trains; t++)
        {
            Train(t);
        }

        return new SimulationPlan(
            $"one day from {_options.Start:uuuu-MM-dd}, scale {_options.Scale}, seed {_options.Seed}",
            _bookings,
            _events.OrderBy(e => e.ReportedAt).Select(e => e.Event).ToList(), // OrderBy is stable: same-time reports keep their order
            new Expectations(_shipments, _conveyances));
    }

    private List<Vessel> Vessels(int count)
    {
        // Onward vessels leave Nansha from the afternoon after the barge day, after every barge has arrived.
        var first = At(_options.Start.PlusDays(1), 14);
        return Enumerable.Range(0, count).Select(i =>
        {
            var destination = Network.Pick(_random, Network.Destinations, d => d.Weight);
            var bound = destination.Voyage > Duration.FromDays(20) ? "W" : "S";
            var id = $"{Network.VesselNames[i]}-{(_options.Start.DayOfYear + (7 * i)) % 1000:D3}{bound}-{_tag}";
            var planned = first + (Duration.FromHours(20) * i / count);
            var plannedArrival = planned + destination.Voyage;
            return new Vessel(id, destination, planned, planned + Minutes(0, 90), plannedArrival, plannedArrival + Minutes(-6 * 60, 18 * 60));
        }).ToList();
    }

    private void Barges(int total, List<Vessel> vessels)
    {
        var numbers = Network.Feeders.ToDictionary(f => f, _ => 901);
        for (var remaining = total; remaining > 0;)
        {
            var size = Math.Min(remaining, _random.Next(20, 61));
            remaining -= size;
            var feeder = Network.Pick(_random, Network.Feeders, f => f.Weight);
            var plannedDeparture = At(_options.Start, 6) + Minutes(0, 12 * 60);
            var roll = _random.NextDouble();
            var delay = roll < 0.7 ? Minutes(0, 15) : roll < 0.9 ? Minutes(30, 90) : Minutes(120, 180);
            var departure = plannedDeparture + delay;
            var barge = new BargeVoyage(
                feeder, $"{feeder.BargeName}{numbers[feeder]++}-{_options.Start:yyMMdd}-{_tag}",
                plannedDeparture, departure, plannedDeparture + feeder.ToNansha, departure + feeder.ToNansha + Minutes(-20, 40));

            Report(PortEvents.Transport("DEPA", "BARGE", barge.Id, feeder.Place, barge.ActualDeparture));
            if (delay >= Duration.FromHours(1))
            {
                // A late barge tells Nansha when it now expects to arrive.
                Report(PortEvents.Transport("ARRI", "BARGE", barge.Id, Network.Nansha, barge.ActualArrival + Minutes(-15, 15), "EST"), barge.ActualDeparture + Duration.FromMinutes(10));
            }

            Report(PortEvents.Transport("ARRI", "BARGE", barge.Id, Network.Nansha, barge.ActualArrival));
            _conveyances.Add(new ConveyanceExpectation("BARGE", barge.Id, "ARRIVED", Network.Nansha.Code, 0, [$"DEPA {feeder.Place.Code}", $"ARRI {Network.Nansha.Code}"]));

            for (var left = size; left > 0;)
            {
                var count = Math.Min(left, _random.Next(1, 5));
                left -= count;
                BargeShipment(barge, count, vessels);
            }
        }
    }

    private void BargeShipment(BargeVoyage barge, int count, List<Vessel> vessels)
    {
        var shipmentId = NextShipmentId();
        var containers = Enumerable.Range(0, count).Select(_ => ContainerNumbers.Next(_random, _containerNumbers)).ToList();
        var roll = _random.NextDouble();
        var declaration = roll < 0.80 ? Declaration(false) : roll < 0.85 ? Declaration(true) : null;
        var tradeMode = Network.Pick(_random, [("GENERAL", 14), ("MARKET_PROCUREMENT_1039", 3), ("CBEC_B2B_9710", 2), ("CBEC_B2B_9810", 1)], m => m.Item2).Item1;

        var discharges = containers.Select(_ => barge.ActualArrival + Minutes(20, 150)).ToList();
        var latest = discharges.Max();
        var candidates = vessels.Where(v => v.ActualDeparture >= latest + Duration.FromHours(3)).ToList();
        var vessel = Network.Pick(_random, candidates, v => v.Destination.Weight);
        vessel.Used = true;
        var feeder = barge.Feeder.Place;
        var destination = vessel.Destination.Place;

        _bookings.Add(new Booking(shipmentId, _options.Forwarder, containers, tradeMode, declaration,
        [
            new("BARGE", barge.Id, feeder.Code, Network.Nansha.Code, feeder.Local(barge.PlannedDeparture), Network.Nansha.Local(barge.PlannedArrival)),
            new("VESSEL", vessel.Id, Network.Nansha.Code, destination.Code, Network.Nansha.Local(vessel.PlannedDeparture), destination.Local(vessel.PlannedArrival)),
        ]));

        foreach (var (container, discharge) in containers.Zip(discharges))
        {
            var gateIn = barge.PlannedDeparture - Minutes(240, 600);
            Report(PortEvents.Equipment(shipmentId, "GTIN", container, feeder, gateIn));
            Report(PortEvents.Customs(shipmentId, "CUSR", container, feeder, gateIn + Minutes(20, 100), declaration?.Number));
            Report(PortEvents.Equipment(shipmentId, "LOAD", container, feeder, barge.PlannedDeparture - Minutes(10, 55), "BARGE", barge.Id));
            Report(PortEvents.Equipment(shipmentId, "DISC", container, Network.Nansha, discharge, "BARGE", barge.Id));

            // Waits at the hub (AT_FACILITY at CNNSA), then onward loading, at least an hour before the vessel sails.
            var earliest = discharge + Duration.FromMinutes(30);
            var window = (vessel.ActualDeparture - Duration.FromHours(1) - earliest).TotalMinutes;
            Report(PortEvents.Equipment(shipmentId, "LOAD", container, Network.Nansha, earliest + Duration.FromMinutes((long)(window * _random.NextDouble())), "VESSEL", vessel.Id));
            Report(PortEvents.Equipment(shipmentId, "DISC", container, destination, vessel.ActualArrival + Minutes(60, 14 * 60), "VESSEL", vessel.Id));
        }

        var refunded = declaration is { DangerousGoods: false };
        _shipments.Add(new ShipmentExpectation(
            shipmentId,
            Status: "COMPLETED",
            CurrentLeg: 1,
            Legs:
            [
                new("COMPLETED", feeder.Local(barge.ActualDeparture), Network.Nansha.Local(barge.ActualArrival), []),
                new("COMPLETED", Network.Nansha.Local(vessel.ActualDeparture), destination.Local(vessel.ActualArrival), []),
            ],
            EveryContainer: new ContainerExpectation(Status: "DELIVERED", Location: destination.Code),
            Eta: destination.Local(vessel.ActualArrival),
            Customs: new CustomsExpectation("RELEASED", feeder.Code),
            TaxRefund: refunded
                ? new RefundExpectation("EXIT_CONFIRMED", null, feeder.Code, Network.Nansha.Code, Deadline(barge.ActualDeparture), ["REFUND_ELIGIBLE", "EXIT_CONFIRMED"])
                : new RefundExpectation("NOT_APPLICABLE", Triggers: [])));
    }

    private void Voyage(Vessel vessel)
    {
        var destination = vessel.Destination.Place;
        Report(PortEvents.Transport("DEPA", "VESSEL", vessel.Id, Network.Nansha, vessel.ActualDeparture));
        // The carrier's estimate at departure; the shipment's ETA follows it until the actual arrival.
        Report(PortEvents.Transport("ARRI", "VESSEL", vessel.Id, destination, vessel.ActualArrival + Minutes(-8 * 60, 8 * 60), "EST"), vessel.ActualDeparture + Duration.FromHours(1));
        Report(PortEvents.Transport("ARRI", "VESSEL", vessel.Id, destination, vessel.ActualArrival));
        _conveyances.Add(new ConveyanceExpectation("VESSEL", vessel.Id, "ARRIVED", destination.Code, 0, [$"DEPA {Network.Nansha.Code}", $"ARRI {destination.Code}"]));
    }

    /// <summary>
    /// A 穗满俄 train: Dalang → Manzhouli on standard gauge; there every container is discharged and loaded onto a
    /// broad-gauge train with its own id, which crosses the border and runs on to Moscow. About 15 days.
    /// </summary>
    private void Train(int index)
    {
        var (dalang, manzhouli, moscow) = (Network.Dalang, Network.Manzhouli, Network.Moscow);
        var departure = At(_options.Start, 10) + Minutes(0, 600);
        var standard = $"X84{26 + index:D2}-{_options.Start:uuuuMMdd}-{_tag}";
        var atBorder = departure + Duration.FromHours(132) + Minutes(-360, 360);
        var broad = $"RZD{1042 + index}-{atBorder.InZone(China).Date:uuuuMMdd}-{_tag}";
        var broadDeparture = atBorder + Minutes(16 * 60, 22 * 60);
        var arrival = broadDeparture + Duration.FromHours(204) + Minutes(-720, 720);

        Report(PortEvents.Transport("DEPA", "RAIL", standard, dalang, departure));
        Report(PortEvents.Transport("ARRI", "RAIL", standard, manzhouli, atBorder));
        Report(PortEvents.Transport("DEPA", "RAIL", broad, manzhouli, broadDeparture));
        Report(PortEvents.Transport("CROS", "RAIL", broad, manzhouli, broadDeparture + Minutes(30, 60)));
        Report(PortEvents.Transport("ARRI", "RAIL", broad, moscow, arrival + Minutes(-180, 180), "EST"), broadDeparture + Duration.FromMinutes(30));
        Report(PortEvents.Transport("ARRI", "RAIL", broad, moscow, arrival));
        _conveyances.Add(new ConveyanceExpectation("RAIL", standard, "ARRIVED", manzhouli.Code, 0, [$"DEPA {dalang.Code}", $"ARRI {manzhouli.Code}"]));
        _conveyances.Add(new ConveyanceExpectation("RAIL", broad, "ARRIVED", moscow.Code, 0, [$"DEPA {manzhouli.Code}", $"CROS {manzhouli.Code}", $"ARRI {moscow.Code}"]));

        for (var left = _random.Next(41, 51); left > 0;)
        {
            var count = Math.Min(left, _random.Next(1, 9));
            left -= count;
            var shipmentId = NextShipmentId();
            var containers = Enumerable.Range(0, count).Select(_ => ContainerNumbers.Next(_random, _containerNumbers)).ToList();
            var tradeMode = Network.Pick(_random,
                [("CBEC_B2B_9810", 4), ("CBEC_B2B_9710", 3), ("GENERAL", 3), ("POSTAL", 2), ("MARKET_PROCUREMENT_1039", 2), ("USED_VEHICLE", 1)],
                m => m.Item2).Item1;
            var declaration = _random.NextDouble() < 0.5 ? Declaration(false) : null;
            _bookings.Add(new Booking(shipmentId, _options.Forwarder, containers, tradeMode, declaration,
                [new("RAIL", standard, dalang.Code, moscow.Code, dalang.Local(departure), moscow.Local(departure + Duration.FromDays(15)))]));

            foreach (var container in containers)
            {
                var gateIn = departure - Minutes(12 * 60, 30 * 60);
                Report(PortEvents.Equipment(shipmentId, "GTIN", container, dalang, gateIn));
                Report(PortEvents.Customs(shipmentId, "CUSR", container, dalang, gateIn + Minutes(30, 240), declaration?.Number));
                Report(PortEvents.Equipment(shipmentId, "LOAD", container, dalang, departure - Minutes(60, 300), "RAIL", standard));
                Report(PortEvents.Equipment(shipmentId, "DISC", container, manzhouli, atBorder + Minutes(60, 360), "RAIL", standard));
                Report(PortEvents.Equipment(shipmentId, "LOAD", container, manzhouli, atBorder + Minutes(480, 840), "RAIL", broad));
                Report(PortEvents.Equipment(shipmentId, "DISC", container, moscow, arrival + Minutes(60, 480), "RAIL", broad));
            }

            _shipments.Add(new ShipmentExpectation(
                shipmentId,
                Status: "COMPLETED",
                CurrentLeg: 0,
                Legs: [new("COMPLETED", dalang.Local(departure), moscow.Local(arrival), [broad])],
                EveryContainer: new ContainerExpectation(Status: "DELIVERED", Location: moscow.Code),
                Eta: moscow.Local(arrival),
                Customs: new CustomsExpectation("RELEASED", dalang.Code),
                // A rail leg to Moscow has no exit port under any refund notice.
                TaxRefund: new RefundExpectation("NOT_APPLICABLE", Triggers: [])));
        }
    }

    private void Report(PortEvent e, Instant? reportedAt = null) => _events.Add((e, reportedAt ?? e.EventDateTime.ToInstant()));

    private string NextShipmentId() => $"SIM-{_options.Start:yyMMdd}-{_tag}-{++_shipmentCount:D5}";

    private ExportDeclaration Declaration(bool dangerousGoods) => new(
        $"5301{_options.Start:yy}{_random.NextInt64(1_000_000_000_000, 9_999_999_999_999):D13}"[..18],
        $"9144{_random.NextInt64(1_000_000_000, 9_999_999_999)}MA4X",
        dangerousGoods);

    private static OffsetDateTime Deadline(Instant departure) =>
        departure.InZone(China).Date.PlusDays(DayOptions.ExitDeadlineDays).At(new LocalTime(23, 59, 59)).InZoneStrictly(China).ToOffsetDateTime();

    private static Instant At(LocalDate date, int hour) => date.At(new LocalTime(hour, 0)).InZoneStrictly(China).ToInstant();

    private Duration Minutes(int from, int to) => Duration.FromMinutes(_random.Next(from, to + 1));
}

/// <summary>Whether a plan can be sent now with the outcome it expects.</summary>
public static class PlanClock
{
    /// <summary>A recent start for which every event is already history and no refund deadline has passed yet.</summary>
    public static LocalDate DefaultStart(Instant now) =>
        now.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date.PlusDays(-45);

    /// <summary>
    /// Why the plan cannot run now, or null. Actual events may not lie in the future (the API refuses them more
    /// than a day ahead), and a refund deadline that passes before the run ends would make the refund's outcome
    /// depend on the order in which departures and exits happen to arrive.
    /// </summary>
    public static string? Problem(SimulationPlan plan, Instant now)
    {
        var latest = plan.Events.Where(e => e.Classifier == "ACT").Select(e => e.EventDateTime).MaxBy(t => t.ToInstant());
        if (latest.ToInstant() > now)
        {
            return $"the day's last event ({latest}) lies in the future: start at least {Math.Ceiling((latest.ToInstant() - now).TotalDays)} day(s) earlier";
        }

        var deadlines = plan.Expected.Shipments.Select(s => s.TaxRefund?.Deadline).OfType<OffsetDateTime>().ToList();
        if (deadlines.Count > 0 && deadlines.Min(d => d.ToInstant()) < now + Duration.FromDays(1))
        {
            return $"the refund deadlines ({deadlines.MinBy(d => d.ToInstant())}) pass within a day: start later";
        }

        return null;
    }
}
