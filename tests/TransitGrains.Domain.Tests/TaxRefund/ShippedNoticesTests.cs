using Microsoft.Extensions.Configuration;
using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.TaxRefund;

/// <summary>
/// The refund notices the silo ships (silo/TransitGrains.Silo/appsettings.json), read as the silo reads them: what
/// each covers, and the routes the law does not allow (no rail refund from Dalang, none to Nansha by rail).
/// </summary>
public class ShippedNoticesTests
{
    private const string Waterway2020 = "CaiShui [2020] No. 48";
    private const string Rail2024 = "CaiShui [2024] No. 31";

    private const string Chengdu = "CNCDU";
    private const string Zhanjiang = "CNZNG";
    private const string Qinzhou = "CNQZH";

    private static readonly RefundPolicyBook Shipped = Load();

    private static RefundPolicyBook Load()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "shipped", "appsettings.json"), optional: false)
            .Build();
        return configuration.GetSection(TaxRefundOptions.Section).Get<TaxRefundOptions>()!.ToPolicyBook();
    }

    private static RefundPolicy Notice(string name) => Shipped.Policies.Single(p => p.Name == name);

    private static HashSet<UnLocode> Codes(params string[] codes) => codes.Select(L).ToHashSet();

    private static RefundAssessment Refund(PlannedLeg leg, IEnumerable<TransitEvent>? events = null, Instant? now = null)
    {
        var booking = Bookings.Make("GZ25-000031", Bookings.Declaration, [leg, OnwardVessel(leg.To.Value)], Csqu);
        var record = Shipment.Record(booking, events ?? []);
        return ShipmentProjection.Evaluate(record, Shipped, now ?? leg.PlannedDeparture!.Value.ToInstant()).Refund;
    }

    private static PlannedLeg Leg(TransportMode mode, string conveyance, string from, string to, string departure) =>
        new(mode, conveyance, L(from), L(to), T(departure), T(departure).Plus(Duration.FromDays(2)));

    private static PlannedLeg OnwardVessel(string from) =>
        new(TransportMode.VESSEL, Vessel, L(from), L(Rotterdam), null, null);

    private static void AssertPending(RefundAssessment refund, string from, string to)
    {
        Assert.Equal(TaxRefundStatus.PENDING, refund.Status);
        Assert.Equal((from, to), (refund.DeparturePort?.Value, refund.ExitPort?.Value));
    }

    private static void AssertNotApplicable(RefundAssessment refund)
    {
        Assert.Equal(TaxRefundStatus.NOT_APPLICABLE, refund.Status);
        Assert.Empty(refund.Due);
    }

    [Fact]
    public void Two_notices_ship_each_with_its_source()
    {
        Assert.Equal([Waterway2020, Rail2024], Shipped.Policies.Select(p => p.Name));
        Assert.All(Shipped.Policies, p => Assert.False(string.IsNullOrWhiteSpace(p.Source), $"{p.Name} has no source"));
        Assert.Contains("26 Oct 2020", Notice(Waterway2020).Source);
        Assert.Contains("12 Nov 2024", Notice(Rail2024).Source);
    }

    [Fact]
    public void A_late_exit_report_is_waited_for_three_days() =>
        Assert.Equal(Duration.FromDays(3), Shipped.ExitReportGrace);

    [Fact]
    public void No_notice_names_Dalang_and_every_port_is_a_known_location()
    {
        var ports = Shipped.Policies.SelectMany(p => p.DeparturePorts.Concat(p.ExitPorts)).ToList();
        Assert.DoesNotContain(L(Dalang), ports);
        Assert.All(ports, port => Assert.True(KnownLocations.Find(port) is not null, $"{port} is not a known location"));
    }

    // ---- CaiShui [2020] No. 48: waterway, Pearl River ports to Nansha, from 1 October 2020 ----

    [Fact]
    public void The_2020_notice_covers_barges_from_Pearl_River_ports_to_Nansha()
    {
        var notice = Notice(Waterway2020);
        Assert.Equal(new LocalDate(2020, 10, 1), notice.EffectiveFrom);
        Assert.Null(notice.EffectiveTo);
        Assert.Equal([TransportMode.BARGE], notice.Modes);
        Assert.Equal(Codes(Nansha), notice.ExitPorts);
        Assert.Equal(
            Codes("CNGZG", "CNHUA", "CNFOS", "CNFRT", "CNSUD", "CNBIJ", "CNLNS", "CNNAH", "CNSJQ", "CNGOM",
                "CNJMN", "CNHSN", "CNXIN", "CNZQG", "CNZSN", "CNZUH", "CNDGG", "CNHMN", "CNHUI"),
            notice.DeparturePorts);
        Assert.Equal(60, notice.ExitDeadlineDays);
    }

    [Fact]
    public void A_Shunde_to_Nansha_barge_qualifies_and_its_journey_triggers_the_refund()
    {
        var leg = Bookings.BargeLeg();
        AssertPending(Refund(leg), Shunde, Nansha);

        var refund = Refund(leg, OnePortJourney.Of(Csqu).Through(Step.VesselDeparts), I("2020-12-03T10:00:00+08:00"));
        Assert.Equal([TaxRefundTriggerKind.REFUND_ELIGIBLE, TaxRefundTriggerKind.EXIT_CONFIRMED], refund.Due.Select(t => t.Kind));
        Assert.Equal(T("2021-01-29T23:59:59+08:00"), refund.Deadline);
    }

    // ---- CaiShui [2024] No. 31: rail transfer from inland stations to Zhanjiang and the Beibu Gulf, from 1 December 2024 ----

    [Fact]
    public void The_2024_notice_covers_rail_from_the_inland_stations_to_Zhanjiang_and_the_Beibu_Gulf()
    {
        var notice = Notice(Rail2024);
        Assert.Equal(new LocalDate(2024, 12, 1), notice.EffectiveFrom);
        Assert.Null(notice.EffectiveTo);
        Assert.Equal([TransportMode.RAIL], notice.Modes);
        Assert.Equal(Codes("CNCQI", Chengdu, "CNZGZ", "CNXAG", "CNGYA", "CNKNM"), notice.DeparturePorts);
        Assert.Equal(Codes(Zhanjiang, Qinzhou, "CNBIH", "CNFAN"), notice.ExitPorts);
    }

    [Fact]
    public void A_Chengdu_to_Zhanjiang_rail_leg_is_PENDING() =>
        AssertPending(Refund(Leg(TransportMode.RAIL, Train, Chengdu, Zhanjiang, "2025-03-01T10:00:00+08:00")), Chengdu, Zhanjiang);

    [Fact]
    public void A_Dalang_to_Nansha_rail_leg_is_NOT_APPLICABLE() =>
        AssertNotApplicable(Refund(Leg(TransportMode.RAIL, Train, Dalang, Nansha, "2025-03-01T10:00:00+08:00")));

    // ---- Neither notice ----

    public static TheoryData<string, PlannedLeg> RoutesNoShippedNoticeCovers => new()
    {
        { "barge before 1 October 2020", Bookings.BargeLeg(departure: "2020-09-30T09:00:00+08:00", arrival: "2020-09-30T17:00:00+08:00") },
        { "Shunde to Nansha by rail", Leg(TransportMode.RAIL, Train, Shunde, Nansha, "2025-03-01T09:00:00+08:00") },
        { "Shunde to Nansha by truck", Leg(TransportMode.TRUCK, "YUE-E12345", Shunde, Nansha, "2025-03-01T09:00:00+08:00") },
        { "barge from Shenzhen (no departure port confirmed)", Bookings.BargeLeg(from: "CNSHK") },
        { "barge to Qianhai (no code confirmed)", Bookings.BargeLeg(to: "CNQHW") },
        { "barge from outside the Bay Area", Bookings.BargeLeg(from: Zhanjiang) },
        { "rail before 1 December 2024", Leg(TransportMode.RAIL, Train, Chengdu, Zhanjiang, "2024-11-30T10:00:00+08:00") },
        { "Chengdu to Zhanjiang by barge", Leg(TransportMode.BARGE, Barge, Chengdu, Zhanjiang, "2025-03-01T10:00:00+08:00") },
        { "rail to Nansha", Leg(TransportMode.RAIL, Train, Chengdu, Nansha, "2025-03-01T10:00:00+08:00") },
        { "rail from Dalang to Zhanjiang", Leg(TransportMode.RAIL, Train, Dalang, Zhanjiang, "2025-03-01T10:00:00+08:00") },
        { "rail to the city of Zhanjiang, not its port", Leg(TransportMode.RAIL, Train, Chengdu, "CNZHA", "2025-03-01T10:00:00+08:00") },
    };

    [Theory]
    [MemberData(nameof(RoutesNoShippedNoticeCovers))]
    public void Routes_no_shipped_notice_covers_are_NOT_APPLICABLE(string why, PlannedLeg leg)
    {
        AssertNotApplicable(Refund(leg));
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void A_qualifying_rail_leg_triggers_the_refund_and_the_onward_vessel_confirms_the_exit()
    {
        var leg = Leg(TransportMode.RAIL, Train, Chengdu, Qinzhou, "2025-03-01T10:00:00+08:00");
        TransitEvent[] events =
        [
            Ev.Customs(EventCode.CUSR, Csqu, Chengdu, "2025-03-01T08:00:00+08:00"),
            Ev.Load(Csqu, TransportMode.RAIL, Train, Chengdu, "2025-03-01T09:00:00+08:00"),
            Ev.Depa(TransportMode.RAIL, Train, Chengdu, "2025-03-01T10:20:00+08:00"),
        ];
        var eligible = Refund(leg, events, I("2025-03-01T11:00:00+08:00"));
        Assert.Equal(TaxRefundStatus.TRIGGERED, eligible.Status);
        var trigger = Assert.Single(eligible.Due);
        Assert.Equal((TaxRefundTriggerKind.REFUND_ELIGIBLE, Chengdu, Qinzhou, Train), (trigger.Kind, trigger.DeparturePort, trigger.ExitPort, trigger.ConveyanceId));
        Assert.Equal(T("2025-04-30T23:59:59+08:00"), trigger.Deadline);

        TransitEvent[] onward =
        [
            Ev.Arri(TransportMode.RAIL, Train, Qinzhou, "2025-03-03T06:00:00+08:00"),
            Ev.Disc(Csqu, TransportMode.RAIL, Train, Qinzhou, "2025-03-03T08:00:00+08:00"),
            Ev.Load(Csqu, TransportMode.VESSEL, Vessel, Qinzhou, "2025-03-05T08:00:00+08:00"),
            Ev.Depa(TransportMode.VESSEL, Vessel, Qinzhou, "2025-03-05T20:00:00+08:00"),
        ];
        var booking = Bookings.Make("GZ25-000031", Bookings.Declaration, [leg, OnwardVessel(Qinzhou)], Csqu);
        var record = Shipment.Record(booking, [.. events, .. onward], [trigger]);
        var exit = ShipmentProjection.Evaluate(record, Shipped, I("2025-03-06T00:00:00+08:00")).Refund;
        Assert.Equal(TaxRefundStatus.EXIT_CONFIRMED, exit.Status);
        Assert.Equal((TaxRefundTriggerKind.EXIT_CONFIRMED, Vessel), (exit.Due.Single().Kind, exit.Due.Single().ConveyanceId));
    }
}
