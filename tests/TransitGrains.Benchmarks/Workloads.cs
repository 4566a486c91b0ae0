using NodaTime;
using TransitGrains.PortSimulator;

namespace TransitGrains.Benchmarks;

/// <summary>Bookings plus the events that prepare a measurement, and the one event whose acknowledgement is timed.</summary>
public sealed record Setup(IReadOnlyList<Booking> Bookings, IReadOnlyList<PortEvent> Prepare, PortEvent Timed, string ShipmentId);

/// <summary>
/// The dedicated loads of the latency and memory figures, built from the simulator's places and event helpers so
/// they look like its day. Container numbers never repeat one of <paramref name="used"/> (a booked container
/// cannot join a second active shipment).
/// </summary>
public sealed class Workloads(ISet<string> used, Instant now, string tag, int seed = 7)
{
    private static readonly Place Singapore = Network.Destinations.First(d => d.Place.Code == "SGSIN").Place;

    private readonly Random _random = new(seed);

    /// <summary>A China–Europe train of exactly 50 containers in shipments of 1–8 (as the simulator splits them), loaded; its DEPA is timed.</summary>
    public Setup Train(int index)
    {
        var train = $"X9{index:D3}-{tag}";
        var departure = now - Duration.FromHours(2);
        var bookings = new List<Booking>();
        var loads = new List<PortEvent>();
        for (var left = 50; left > 0;)
        {
            var count = Math.Min(left, _random.Next(1, 9));
            left -= count;
            var shipmentId = $"BT-{tag}-{index:D3}-{bookings.Count:D2}";
            var containers = Containers(count);
            bookings.Add(new Booking(shipmentId, null, containers, "CBEC_B2B_9810", null,
                [new("RAIL", train, Network.Dalang.Code, Network.Moscow.Code, Network.Dalang.Local(departure), Network.Moscow.Local(departure + Duration.FromDays(15)))]));
            loads.AddRange(containers.Select(c => PortEvents.Equipment(shipmentId, "LOAD", c, Network.Dalang, departure - Duration.FromMinutes(90), "RAIL", train)));
        }

        return new Setup(bookings, loads, PortEvents.Transport("DEPA", "RAIL", train, Network.Dalang, departure), bookings[0].ShipmentId);
    }

    /// <summary>A one-port barge shipment with a declaration, released and loaded: its barge's ACT DEPA makes the refund trigger.</summary>
    public Setup RefundBarge(int index)
    {
        var feeder = Network.Feeders[index % Network.Feeders.Count];
        var barge = $"{feeder.BargeName}R{index:D3}-{tag}";
        var vessel = $"BENCHVESSEL-{tag}";
        var departure = now - Duration.FromHours(1);
        var shipmentId = $"BR-{tag}-{index:D3}";
        var containers = Containers(2);
        var declaration = new ExportDeclaration($"5301{_random.NextInt64(100_000_000_000_000, 999_999_999_999_999)}"[..18], $"9144{_random.NextInt64(1_000_000_000, 9_999_999_999)}MA4X", false);
        var booking = new Booking(shipmentId, null, containers, "GENERAL", declaration,
        [
            new("BARGE", barge, feeder.Place.Code, Network.Nansha.Code, feeder.Place.Local(departure), Network.Nansha.Local(departure + feeder.ToNansha)),
            new("VESSEL", vessel, Network.Nansha.Code, "NLRTM", Network.Nansha.Local(now + Duration.FromDays(2)), null),
        ]);
        var prepare = containers.SelectMany(c => new[]
        {
            PortEvents.Equipment(shipmentId, "GTIN", c, feeder.Place, departure - Duration.FromHours(6)),
            PortEvents.Customs(shipmentId, "CUSR", c, feeder.Place, departure - Duration.FromHours(5), declaration.Number),
            PortEvents.Equipment(shipmentId, "LOAD", c, feeder.Place, departure - Duration.FromMinutes(30), "BARGE", barge),
        }).ToList();
        return new Setup([booking], prepare, PortEvents.Transport("DEPA", "BARGE", barge, feeder.Place, departure), shipmentId);
    }

    /// <summary>
    /// Shipments of 3 containers with exactly 20 events each: per container gate-in, release, barge load and
    /// discharge, vessel load and discharge (18), plus the barge's DEPA and ARRI fanned out to it (2). Twenty
    /// shipments share a barge, so the transport events exercise the fan-out too.
    /// </summary>
    public (IReadOnlyList<Booking> Bookings, IReadOnlyList<PortEvent> Events) MemoryShipments(int count)
    {
        var bookings = new List<Booking>();
        var events = new List<PortEvent>();
        var feeder = Network.Feeders[0];
        var departure = now - Duration.FromDays(10);
        var arrival = departure + feeder.ToNansha;
        var vessel = $"MEMVESSEL-{tag}";
        for (var b = 0; b * 20 < count; b++)
        {
            var barge = $"{feeder.BargeName}M{b:D3}-{tag}";
            events.Add(PortEvents.Transport("DEPA", "BARGE", barge, feeder.Place, departure));
            events.Add(PortEvents.Transport("ARRI", "BARGE", barge, Network.Nansha, arrival));
            for (var s = b * 20; s < Math.Min(count, (b + 1) * 20); s++)
            {
                var shipmentId = $"BM-{tag}-{s:D5}";
                var containers = Containers(3);
                bookings.Add(new Booking(shipmentId, null, containers, "GENERAL", null,
                [
                    new("BARGE", barge, feeder.Place.Code, Network.Nansha.Code, null, null),
                    new("VESSEL", vessel, Network.Nansha.Code, "SGSIN", null, null),
                ]));
                foreach (var c in containers)
                {
                    events.Add(PortEvents.Equipment(shipmentId, "GTIN", c, feeder.Place, departure - Duration.FromHours(8)));
                    events.Add(PortEvents.Customs(shipmentId, "CUSR", c, feeder.Place, departure - Duration.FromHours(6), null));
                    events.Add(PortEvents.Equipment(shipmentId, "LOAD", c, feeder.Place, departure - Duration.FromHours(1), "BARGE", barge));
                    events.Add(PortEvents.Equipment(shipmentId, "DISC", c, Network.Nansha, arrival + Duration.FromHours(1), "BARGE", barge));
                    events.Add(PortEvents.Equipment(shipmentId, "LOAD", c, Network.Nansha, arrival + Duration.FromDays(2), "VESSEL", vessel));
                    events.Add(PortEvents.Equipment(shipmentId, "DISC", c, Singapore, arrival + Duration.FromDays(7), "VESSEL", vessel));
                }
            }
        }

        return (bookings, events);
    }

    /// <summary>
    /// The plain equipment load: shipments of 3 containers on a barge and a vessel, and per container its 6 moves (gate-in,
    /// barge load and discharge, vessel load and discharge, gate-out), no transport or customs events. The moves are
    /// sent step by step across all containers, as terminals report a barge's containers together.
    /// </summary>
    public (IReadOnlyList<Booking> Bookings, IReadOnlyList<PortEvent> Events) EquipmentMoves(int shipments)
    {
        var bookings = new List<Booking>();
        var moves = new List<PortEvent[]>();
        var feeder = Network.Feeders[1 % Network.Feeders.Count];
        var departure = now - Duration.FromDays(12);
        var arrival = departure + feeder.ToNansha;
        var vessel = $"EQVESSEL-{tag}";
        for (var s = 0; s < shipments; s++)
        {
            var barge = $"{feeder.BargeName}E{s / 30:D3}-{tag}";
            var shipmentId = $"BE-{tag}-{s:D5}";
            var containers = Containers(3);
            bookings.Add(new Booking(shipmentId, null, containers, "GENERAL", null,
            [
                new("BARGE", barge, feeder.Place.Code, Network.Nansha.Code, null, null),
                new("VESSEL", vessel, Network.Nansha.Code, "SGSIN", null, null),
            ]));
            moves.AddRange(containers.Select(c => new[]
            {
                PortEvents.Equipment(shipmentId, "GTIN", c, feeder.Place, departure - Duration.FromHours(8)),
                PortEvents.Equipment(shipmentId, "LOAD", c, feeder.Place, departure - Duration.FromHours(1), "BARGE", barge),
                PortEvents.Equipment(shipmentId, "DISC", c, Network.Nansha, arrival + Duration.FromHours(1), "BARGE", barge),
                PortEvents.Equipment(shipmentId, "LOAD", c, Network.Nansha, arrival + Duration.FromDays(2), "VESSEL", vessel),
                PortEvents.Equipment(shipmentId, "DISC", c, Singapore, arrival + Duration.FromDays(7), "VESSEL", vessel),
                PortEvents.Equipment(shipmentId, "GTOT", c, Singapore, arrival + Duration.FromDays(8)),
            }));
        }

        return (bookings, [.. Enumerable.Range(0, 6).SelectMany(step => moves.Select(m => m[step]))]);
    }

    /// <summary>
    /// Shipments of 10 containers with <paramref name="eventsEach"/> events each (a container gated in and out of the
    /// feeder's depot again and again, an hour apart, each move its own id): a long journal tail to activate from.
    /// </summary>
    public (IReadOnlyList<Booking> Bookings, IReadOnlyList<PortEvent> Events) LongHistories(int shipments, int eventsEach)
    {
        var bookings = new List<Booking>();
        var events = new List<PortEvent>();
        var feeder = Network.Feeders[2 % Network.Feeders.Count];
        var first = now - Duration.FromHours(eventsEach + 1);
        for (var s = 0; s < shipments; s++)
        {
            var shipmentId = $"BH-{tag}-{s:D3}";
            var containers = Containers(10);
            bookings.Add(new Booking(shipmentId, null, containers, "GENERAL", null,
                [new("BARGE", $"{feeder.BargeName}H{s:D3}-{tag}", feeder.Place.Code, Network.Nansha.Code, null, null)]));
            for (var i = 0; i < eventsEach; i++)
            {
                var move = PortEvents.Equipment(shipmentId, i % 2 == 0 ? "GTIN" : "GTOT", containers[i % containers.Count], feeder.Place, first + Duration.FromHours(i));
                events.Add(move with { EventId = $"{move.EventId}-{i:D4}" });
            }
        }

        return (bookings, events);
    }

    private List<string> Containers(int count) => Enumerable.Range(0, count).Select(_ => ContainerNumbers.Next(_random, used)).ToList();
}
