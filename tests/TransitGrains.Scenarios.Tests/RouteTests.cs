using NodaTime;
using TransitGrains.PortSimulator;

namespace TransitGrains.Scenarios.Tests;

/// <summary>The movements of issue 5 step by step, checking the shipment after each report.</summary>
[Collection(SiloCollection.Name)]
public sealed class RouteTests(TransitSilo silo)
{
    private static readonly DateTimeZone China = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly Place Dalang = Network.Dalang, Manzhouli = Network.Manzhouli, Moscow = Network.Moscow, Nansha = Network.Nansha;
    private static readonly Place Shunde = Network.Feeders.Single(f => f.Place.Code == "CNSUD").Place;
    private static readonly Place Almaty = new("KZALA", "ALM", "Almaty-1", DateTimeZoneProviders.Tzdb["Asia/Almaty"]);
    private static readonly Place Khorgos = new("CNKHG", "KHG", "Khorgos (gauge change)", China);
    private static readonly Place HoChiMinh = Network.Destinations.Single(d => d.Place.Code == "VNSGN").Place;
    private static readonly Place Singapore = Network.Destinations.Single(d => d.Place.Code == "SGSIN").Place;

    private static readonly ExportDeclaration Declared = new("530120261000054321", "91440606MA4WXXXX1X", false);

    private static Duration H(double hours) => Duration.FromMinutes(hours * 60);

    [Fact]
    public async Task At_the_Manzhouli_gauge_change_the_rail_leg_continues_on_the_broad_gauge_train()
    {
        var (id, containers) = (Unique.Id("RAIL"), new[] { Unique.Container(), Unique.Container() });
        var (standard, broad) = (Unique.Id("X8427"), Unique.Id("RZD1043"));
        await silo.Book(new Booking(id, null, containers, "CBEC_B2B_9810", null, [new("RAIL", standard, Dalang.Code, Moscow.Code, null, null)]));
        var t0 = TransitSilo.Now - Duration.FromDays(16);

        await silo.Report([.. containers.Select(c => PortEvents.Equipment(id, "LOAD", c, Dalang, t0 - H(3), "RAIL", standard)),
            PortEvents.Transport("DEPA", "RAIL", standard, Dalang, t0),
            PortEvents.Transport("ARRI", "RAIL", standard, Manzhouli, t0 + H(132)),
            .. containers.Select(c => PortEvents.Equipment(id, "DISC", c, Manzhouli, t0 + H(134), "RAIL", standard))]);
        var atBorder = await silo.Shipment(id);
        Assert.Equal("DEPARTED", atBorder.Legs[0].Status);
        Assert.All(atBorder.Containers, c => Assert.Equal(("AT_FACILITY", "CNMZL", (string?)null), (c.Status, c.Location, c.ConveyanceId)));

        await silo.Report([.. containers.Select(c => PortEvents.Equipment(id, "LOAD", c, Manzhouli, t0 + H(142), "RAIL", broad))]);
        var transhipped = await silo.Shipment(id);
        Assert.Equal([broad], transhipped.Legs[0].TranshippedTo);
        Assert.All(transhipped.Containers, c => Assert.Equal(("ON_CONVEYANCE", broad), (c.Status, c.ConveyanceId)));

        await silo.Report(PortEvents.Transport("DEPA", "RAIL", broad, Manzhouli, t0 + H(150)), PortEvents.Transport("CROS", "RAIL", broad, Manzhouli, t0 + H(151)));
        var train = await silo.Admin.Conveyance("RAIL", broad, CancellationToken.None);
        Assert.Equal("DEPARTED", train!.Status);
        Assert.Equal(containers.Order(), train.Aboard);
        Assert.Equal(["DEPA CNMZL", "CROS CNMZL"], train.Calls.Select(c => $"{c.EventCode} {c.Location}"));

        var arrival = t0 + H(150 + 204);
        await silo.Report([PortEvents.Transport("ARRI", "RAIL", broad, Moscow, arrival),
            .. containers.Select(c => PortEvents.Equipment(id, "DISC", c, Moscow, arrival + H(3), "RAIL", broad))]);
        var done = await silo.Shipment(id);
        Assert.Equal(("COMPLETED", "COMPLETED"), (done.Status, done.Legs[0].Status));
        Assert.Equal(arrival, done.Legs[0].ActualArrival!.Value.ToInstant());
        Assert.Equal(Offset.FromHours(3), done.Legs[0].ActualArrival!.Value.Offset); // in Moscow's zone
        Assert.All(done.Containers, c => Assert.Equal(("DELIVERED", "RUMOW"), (c.Status, c.Location)));
    }

    [Fact]
    public async Task Rail_road_water_from_Central_Asia_through_Guangzhou_to_Southeast_Asia_completes_leg_by_leg()
    {
        var (id, container) = (Unique.Id("RRW"), Unique.Container());
        var (kazakh, chinese, truck, vessel) = (Unique.Id("KZ9001"), Unique.Id("X9001"), Unique.Id("YUEA-D1234"), Unique.Id("ONEHARMONY-072S"));
        await silo.Book(new Booking(id, null, [container], "GENERAL", Declared,
        [
            new("RAIL", kazakh, Almaty.Code, Dalang.Code, null, null),
            new("TRUCK", truck, Dalang.Code, Nansha.Code, null, null),
            new("VESSEL", vessel, Nansha.Code, HoChiMinh.Code, null, null),
        ]));
        var t0 = TransitSilo.Now - Duration.FromDays(12);

        // Broad gauge from Almaty to Khorgos, standard gauge from there to Guangzhou.
        await silo.Report(
            PortEvents.Equipment(id, "LOAD", container, Almaty, t0 - H(3), "RAIL", kazakh),
            PortEvents.Transport("DEPA", "RAIL", kazakh, Almaty, t0),
            PortEvents.Transport("CROS", "RAIL", kazakh, Khorgos, t0 + H(40)),
            PortEvents.Equipment(id, "DISC", container, Khorgos, t0 + H(43), "RAIL", kazakh),
            PortEvents.Equipment(id, "LOAD", container, Khorgos, t0 + H(48), "RAIL", chinese),
            PortEvents.Transport("DEPA", "RAIL", chinese, Khorgos, t0 + H(52)),
            PortEvents.Transport("ARRI", "RAIL", chinese, Dalang, t0 + H(140)),
            PortEvents.Equipment(id, "DISC", container, Dalang, t0 + H(142), "RAIL", chinese));
        var byRail = await silo.Shipment(id);
        Assert.Equal((1, "COMPLETED", "PLANNED"), (byRail.CurrentLeg, byRail.Legs[0].Status, byRail.Legs[1].Status));
        Assert.Equal([chinese], byRail.Legs[0].TranshippedTo);
        Assert.Equal(("AT_FACILITY", "CNDLG"), (byRail.Containers[0].Status, byRail.Containers[0].Location));

        await silo.Report(
            PortEvents.Equipment(id, "LOAD", container, Dalang, t0 + H(146), "TRUCK", truck),
            PortEvents.Transport("DEPA", "TRUCK", truck, Dalang, t0 + H(147)),
            PortEvents.Transport("ARRI", "TRUCK", truck, Nansha, t0 + H(149.5)),
            PortEvents.Equipment(id, "DISC", container, Nansha, t0 + H(150), "TRUCK", truck));
        var byRoad = await silo.Shipment(id);
        Assert.Equal((2, "COMPLETED", "COMPLETED", "PLANNED"), (byRoad.CurrentLeg, byRoad.Legs[0].Status, byRoad.Legs[1].Status, byRoad.Legs[2].Status));
        Assert.Equal(("AT_FACILITY", "CNNSA"), (byRoad.Containers[0].Status, byRoad.Containers[0].Location));

        var arrival = t0 + H(240);
        await silo.Report(
            PortEvents.Equipment(id, "LOAD", container, Nansha, t0 + H(168), "VESSEL", vessel),
            PortEvents.Transport("DEPA", "VESSEL", vessel, Nansha, t0 + H(172)),
            PortEvents.Transport("ARRI", "VESSEL", vessel, HoChiMinh, arrival),
            PortEvents.Equipment(id, "DISC", container, HoChiMinh, arrival + H(4), "VESSEL", vessel));
        var byWater = await silo.Shipment(id);
        Assert.Equal("COMPLETED", byWater.Status);
        Assert.All(byWater.Legs, l => Assert.Equal("COMPLETED", l.Status));
        Assert.Equal(("DELIVERED", "VNSGN"), (byWater.Containers[0].Status, byWater.Containers[0].Location));
        Assert.Equal(arrival, byWater.Eta!.Value.ToInstant());
        Assert.Equal("NOT_APPLICABLE", byWater.TaxRefund.Status); // no waterway leg from a departure port: no refund
    }

    [Fact]
    public async Task One_port_hand_off_shows_the_container_waiting_at_Nansha_then_aboard_the_vessel()
    {
        var (id, container, barge, vessel) = (Unique.Id("ONEPORT"), Unique.Container(), Unique.Id("SUIGANG905"), Unique.Id("OOCLJAPAN-101S"));
        await silo.Book(new Booking(id, null, [container], "GENERAL", Declared,
            [new("BARGE", barge, Shunde.Code, Nansha.Code, null, null), new("VESSEL", vessel, Nansha.Code, Singapore.Code, null, null)]));
        var t0 = TransitSilo.Now - Duration.FromDays(2);

        await silo.Report(
            PortEvents.Equipment(id, "GTIN", container, Shunde, t0 - H(4)),
            PortEvents.Customs(id, "CUSR", container, Shunde, t0 - H(3), Declared.Number),
            PortEvents.Equipment(id, "LOAD", container, Shunde, t0 - H(1), "BARGE", barge),
            PortEvents.Transport("DEPA", "BARGE", barge, Shunde, t0));
        var onBarge = await silo.Shipment(id);
        Assert.Equal((0, "ON_CONVEYANCE", barge, "TRIGGERED"), (onBarge.CurrentLeg, onBarge.Containers[0].Status, onBarge.Containers[0].ConveyanceId, onBarge.TaxRefund.Status));

        await silo.Report(
            PortEvents.Transport("ARRI", "BARGE", barge, Nansha, t0 + H(5)),
            PortEvents.Equipment(id, "DISC", container, Nansha, t0 + H(6), "BARGE", barge));
        var waiting = await silo.Shipment(id);
        Assert.Equal(("IN_TRANSIT", 1, "COMPLETED", "PLANNED"), (waiting.Status, waiting.CurrentLeg, waiting.Legs[0].Status, waiting.Legs[1].Status));
        Assert.Equal(("AT_FACILITY", "CNNSA", (string?)null), (waiting.Containers[0].Status, waiting.Containers[0].Location, waiting.Containers[0].ConveyanceId));

        await silo.Report(PortEvents.Equipment(id, "LOAD", container, Nansha, t0 + H(20), "VESSEL", vessel));
        var loaded = await silo.Shipment(id);
        Assert.Equal(("LOADING", "ON_CONVEYANCE", vessel, "TRIGGERED"), (loaded.Legs[1].Status, loaded.Containers[0].Status, loaded.Containers[0].ConveyanceId, loaded.TaxRefund.Status));

        await silo.Report(PortEvents.Transport("DEPA", "VESSEL", vessel, Nansha, t0 + H(24)));
        var sailed = await silo.Shipment(id);
        Assert.Equal(("DEPARTED", "EXIT_CONFIRMED"), (sailed.Legs[1].Status, sailed.TaxRefund.Status));
        Assert.Equal(["REFUND_ELIGIBLE", "EXIT_CONFIRMED"], sailed.TaxRefund.Triggers.Select(t => t.Kind));
    }

    [Fact]
    public async Task A_barge_three_hours_late_shifts_the_vessel_leg_and_the_eta_then_an_estimate_sets_it_and_each_change_is_recorded()
    {
        var (id, container, barge, vessel) = (Unique.Id("ETA"), Unique.Container(), Unique.Id("FOSHANHANG907"), Unique.Id("CSCLSATURN-033S"));
        var t0 = TransitSilo.Now - Duration.FromDays(1);
        var vesselDeparture = t0 + H(30);
        var plannedEta = vesselDeparture + Duration.FromDays(4);
        await silo.Book(new Booking(id, null, [container], "GENERAL", null,
        [
            new("BARGE", barge, Shunde.Code, Nansha.Code, Shunde.Local(t0), Nansha.Local(t0 + H(5))),
            new("VESSEL", vessel, Nansha.Code, Singapore.Code, Nansha.Local(vesselDeparture), Singapore.Local(plannedEta)),
        ]));
        Assert.Equal(plannedEta, (await silo.Shipment(id)).Eta!.Value.ToInstant());

        await silo.Report(PortEvents.Transport("DEPA", "BARGE", barge, Shunde, t0 + H(3)));
        var late = await silo.Shipment(id);
        Assert.Equal(t0 + H(8), late.Legs[0].EstimatedArrival!.Value.ToInstant());
        Assert.Equal(vesselDeparture + H(3), late.Legs[1].EstimatedDeparture!.Value.ToInstant());
        Assert.Equal(plannedEta + H(3), late.Legs[1].EstimatedArrival!.Value.ToInstant());
        Assert.Equal(plannedEta + H(3), late.Eta!.Value.ToInstant());

        var estimate = plannedEta + H(10);
        await silo.Report(PortEvents.Transport("ARRI", "VESSEL", vessel, Singapore, estimate, "EST"));
        var estimated = await silo.Shipment(id);
        Assert.Equal(estimate, estimated.Eta!.Value.ToInstant());
        Assert.Equal(Offset.FromHours(8), estimated.Eta.Value.Offset); // in Singapore's zone

        Assert.Equal([plannedEta, plannedEta + H(3), estimate], estimated.EtaHistory!.Select(h => h.Eta!.Value.ToInstant()));
    }
}
