using NodaTime;

namespace TransitGrains.Integration.Tests;

/// <summary>A shipment of the generated traffic: its containers, the barge to Nansha and the vessel onwards.</summary>
public sealed record ShipmentPlan(string ShipmentId, IReadOnlyList<string> Containers, string Barge, string Vessel)
{
    public object Booking => Scenario.Booking(ShipmentId, "FWD-DEMO", Containers, Barge, Vessel);
}

/// <summary>One request of the traffic: a booking, or a batch of port events.</summary>
public sealed record TrafficStep(ShipmentPlan? Booking, IReadOnlyList<PortEvent> Events);

/// <summary>
/// Seeded traffic of one-port shipments sharing a few barges and vessels: the bookings and every port event of
/// their voyage (GTIN, CUSR, LOAD, DEPA, ARRI, DISC, GTOT) in batches of 1–8, some events sent twice. A few
/// bookings come only after port systems reported their containers (api.md: "port systems often report first").
/// </summary>
public sealed class PortTraffic
{
    private static readonly Offset Rotterdam = Offset.FromHours(1);

    private PortTraffic(IReadOnlyList<ShipmentPlan> shipments, IReadOnlyList<TrafficStep> steps, IReadOnlyDictionary<string, PortEvent> events)
    {
        Shipments = shipments;
        Steps = steps;
        Events = events;
    }

    public IReadOnlyList<ShipmentPlan> Shipments { get; }

    /// <summary>The requests in the order they are sent (several at a time, so they may be processed out of order).</summary>
    public IReadOnlyList<TrafficStep> Steps { get; }

    /// <summary>Every distinct event, by id.</summary>
    public IReadOnlyDictionary<string, PortEvent> Events { get; }

    /// <summary>
    /// The ids a shipment's timeline must hold: its containers' events, and every transport event of the
    /// conveyances it is booked on.
    /// </summary>
    public IReadOnlySet<string> ExpectedTimeline(ShipmentPlan shipment) =>
        Events.Values.Where(e => Concerns(e, shipment)).Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads every shipment's timeline and checks that it holds each of its events, exactly once.</summary>
    public async Task ExpectEachEventStoredOnceAsync(HttpClient client)
    {
        var timelines = await client.TimelinesAsync(Shipments.Select(s => s.ShipmentId));
        foreach (var shipment in Shipments)
        {
            var expected = ExpectedTimeline(shipment).Order(StringComparer.Ordinal).ToList();
            var actual = timelines[shipment.ShipmentId]!.Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.SequenceEqual(actual),
                $"{shipment.ShipmentId}: missing {string.Join(", ", expected.Except(actual))}; extra or repeated {string.Join(", ", actual.GroupBy(a => a).Where(g => g.Count() > 1 || !expected.Contains(g.Key)).Select(g => g.Key))}");
        }
    }

    /// <summary>The shipments whose timelines must hold the event.</summary>
    public IEnumerable<ShipmentPlan> Concerned(PortEvent e) => Shipments.Where(s => Concerns(e, s));

    private static bool Concerns(PortEvent e, ShipmentPlan shipment) =>
        e.ContainerNumber is { } container
            ? shipment.Containers.Contains(container)
            : e.ConveyanceId == shipment.Barge || e.ConveyanceId == shipment.Vessel;

    /// <param name="firstContainer">serial of the first container, so several traffics can share a database</param>
    public static PortTraffic Generate(
        Random random, string prefix, int shipments, int barges, int vessels, int lateBookings, int firstContainer = 1)
    {
        var start = new LocalDateTime(2026, 11, 2, 0, 0);
        var bargeIds = Enumerable.Range(1, barges).Select(b => $"{prefix}-BARGE-{b:D2}").ToList();
        var vesselIds = Enumerable.Range(1, vessels).Select(v => $"{prefix}-VESSEL-{v:D2}").ToList();
        LocalDateTime BargeDeparts(string barge) => start.PlusHours(4 + bargeIds.IndexOf(barge));
        LocalDateTime VesselDeparts(string vessel) => start.PlusDays(2).PlusHours(3 * vesselIds.IndexOf(vessel));
        var vesselArrives = start.PlusDays(20);

        var events = new List<PortEvent>();
        foreach (var barge in bargeIds)
        {
            events.Add(Scenario.Transport($"{prefix}-{barge}-DEPA", "DEPA", BargeDeparts(barge).WithOffset(Scenario.China), "CNSUD", "BARGE", barge));
            events.Add(Scenario.Transport($"{prefix}-{barge}-ARRI", "ARRI", BargeDeparts(barge).PlusHours(8).WithOffset(Scenario.China), "CNNSA", "BARGE", barge));
        }

        foreach (var vessel in vesselIds)
        {
            events.Add(Scenario.Transport($"{prefix}-{vessel}-DEPA", "DEPA", VesselDeparts(vessel).WithOffset(Scenario.China), "CNNSA", "VESSEL", vessel));
            events.Add(Scenario.Transport($"{prefix}-{vessel}-ARRI", "ARRI", vesselArrives.WithOffset(Rotterdam), "NLRTM", "VESSEL", vessel));
        }

        var plans = new List<ShipmentPlan>();
        var serial = firstContainer;
        for (var i = 1; i <= shipments; i++)
        {
            var containers = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Scenario.Container(serial++)).ToList();
            var plan = new ShipmentPlan($"{prefix}-{i:D3}", containers, bargeIds[random.Next(barges)], vesselIds[random.Next(vessels)]);
            plans.Add(plan);
            var onBarge = BargeDeparts(plan.Barge);
            var onVessel = VesselDeparts(plan.Vessel);
            foreach (var c in containers)
            {
                string Id(string code, string location) => $"{prefix}-{c}-{code}-{location}";
                events.Add(Scenario.Equipment(Id("GTIN", "CNSUD"), "GTIN", onBarge.PlusHours(-3).WithOffset(Scenario.China), "CNSUD", c));
                events.Add(Scenario.Customs(Id("CUSR", "CNSUD"), "CUSR", onBarge.PlusHours(-2).WithOffset(Scenario.China), "CNSUD", c));
                events.Add(Scenario.Equipment(Id("LOAD", "CNSUD"), "LOAD", onBarge.PlusHours(-1).WithOffset(Scenario.China), "CNSUD", c, "BARGE", plan.Barge));
                events.Add(Scenario.Equipment(Id("DISC", "CNNSA"), "DISC", onBarge.PlusHours(9).WithOffset(Scenario.China), "CNNSA", c, "BARGE", plan.Barge));
                events.Add(Scenario.Equipment(Id("LOAD", "CNNSA"), "LOAD", onVessel.PlusHours(-2).WithOffset(Scenario.China), "CNNSA", c, "VESSEL", plan.Vessel));
                events.Add(Scenario.Equipment(Id("DISC", "NLRTM"), "DISC", vesselArrives.PlusHours(2).WithOffset(Rotterdam), "NLRTM", c, "VESSEL", plan.Vessel));
                events.Add(Scenario.Equipment(Id("GTOT", "NLRTM"), "GTOT", vesselArrives.PlusHours(5).WithOffset(Rotterdam), "NLRTM", c));
            }
        }

        // Port systems report roughly in the order things happen.
        var ordered = events.OrderBy(e => Scenario.InstantOf(e)).ThenBy(e => e.EventId, StringComparer.Ordinal).ToList();
        var batches = new List<List<PortEvent>>();
        for (var i = 0; i < ordered.Count;)
        {
            var batch = ordered.Skip(i).Take(random.Next(1, 9)).ToList();
            i += batch.Count;
            if (batches.Count > 0 && random.NextDouble() < 0.15)
            {
                var earlier = batches[random.Next(batches.Count)];
                batch.Insert(random.Next(batch.Count + 1), earlier[random.Next(earlier.Count)]); // a port's retry
            }

            if (random.NextDouble() < 0.05)
            {
                batch.Add(batch[random.Next(batch.Count)]); // the same event twice in one batch
            }

            batches.Add(batch);
        }

        var steps = plans.Take(shipments - lateBookings).Select(p => new TrafficStep(p, [])).ToList();
        var eventSteps = batches.Select(b => new TrafficStep(null, b)).ToList();
        foreach (var late in plans.Skip(shipments - lateBookings))
        {
            eventSteps.Insert(random.Next(eventSteps.Count / 5, eventSteps.Count * 3 / 5), new TrafficStep(late, []));
        }

        steps.AddRange(eventSteps);
        return new PortTraffic(plans, steps, events.ToDictionary(e => e.EventId, StringComparer.Ordinal));
    }
}
