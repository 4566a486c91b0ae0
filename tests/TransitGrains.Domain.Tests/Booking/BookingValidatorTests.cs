using CsCheck;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Tests.Support;

namespace TransitGrains.Domain.Tests.Booking;

public class BookingValidatorTests
{
    private static readonly LegRequest BargeLeg = new(
        "BARGE", "SUIGANG903-2011A", "CNSUD", "CNNSA", "2020-11-30T09:00:00+08:00", "2020-11-30T17:00:00+08:00");

    private static readonly LegRequest VesselLeg = new(
        "VESSEL", "COSCOPRIDE-047W", "CNNSA", "NLRTM", "2020-12-02T22:00:00+08:00", "2021-01-08T06:00:00+01:00");

    /// <summary>The booking of api.md.</summary>
    private static readonly BookingRequest Request = new(
        "GZ21-000123",
        ["CSQU3054383"],
        "GENERAL",
        new ExportDeclarationRequest("530120201000012345", "91440600MA4WXXXX1X", false),
        [BargeLeg, VesselLeg]);

    private static ShipmentBooking Valid(BookingRequest request)
    {
        var result = BookingValidator.Validate(request, "FWD-DEMO");
        Assert.True(result.IsValid, result.Errors.ToString());
        return result.Value!;
    }

    private static IReadOnlyDictionary<string, string[]> Errors(BookingRequest request)
    {
        var result = BookingValidator.Validate(request, "FWD-DEMO");
        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        return result.Errors.ToDictionary();
    }

    private static void OnlyError(BookingRequest request, string field) =>
        Assert.Equal([field], Errors(request).Keys.ToArray());

    [Fact]
    public void The_api_md_booking_is_accepted_field_by_field()
    {
        var booking = Valid(Request);
        Assert.Equal("GZ21-000123", booking.ShipmentId);
        Assert.Equal("FWD-DEMO", booking.Forwarder);
        Assert.Equal(TradeMode.GENERAL, booking.TradeMode);
        Assert.Equal([Data.C("CSQU3054383")], booking.Containers);
        Assert.Equal(new ExportDeclaration("530120201000012345", "91440600MA4WXXXX1X", false), booking.ExportDeclaration);
        Assert.Equal(2, booking.Legs.Count);
        Assert.Equal(Bookings.BargeLeg(), booking.Legs[0]);
        Assert.Equal(Bookings.VesselLeg(), booking.Legs[1]);
        Assert.Equal(Data.T("2021-01-08T06:00:00+01:00"), booking.LastLeg.PlannedArrival);
        Assert.True(booking.SameAs(Valid(Request)));
    }

    [Fact]
    public void SameAs_compares_the_content_of_the_lists()
    {
        var booking = Valid(Request);
        Assert.False(booking.SameAs(Valid(Request with { Containers = ["CSQU3054383", "APZU4812090"] })));
        Assert.False(booking.SameAs(Valid(Request with { Legs = [BargeLeg] })));
        Assert.False(booking.SameAs(Valid(Request with { ExportDeclaration = null })));
    }

    [Theory]
    [InlineData("GZ1")]
    [InlineData("GZ21-000123_A.B")]
    [InlineData("0123456789012345678901234567890123456789")] // 40
    public void ShipmentId_accepts_3_to_40_of_the_URL_safe_set(string id) => Assert.Equal(id, Valid(Request with { ShipmentId = id }).ShipmentId);

    [Theory]
    [InlineData(null)]
    [InlineData("GZ")]
    [InlineData("01234567890123456789012345678901234567890")] // 41
    [InlineData("gz21-000123")]
    [InlineData("GZ21 000123")]
    [InlineData("GZ21/000123")]
    [InlineData("GZ21-00012Ä")]
    public void ShipmentId_rejects_anything_else(string? id) => OnlyError(Request with { ShipmentId = id }, "shipmentId");

    [Fact]
    public void Containers_are_required()
    {
        OnlyError(Request with { Containers = null }, "containers");
        OnlyError(Request with { Containers = [] }, "containers");
    }

    [Fact]
    public void At_most_500_containers()
    {
        var numbers = DistinctValidNumbers(501);
        Assert.Equal(500, Valid(Request with { Containers = numbers.Take(500).ToList() }).Containers.Count);
        OnlyError(Request with { Containers = numbers }, "containers");
    }

    [Fact]
    public void A_bad_container_is_named_by_its_index()
    {
        var errors = Errors(Request with { Containers = ["CSQU3054383", "MSCU6639871", null, "APZU4812090", "csqu3054383"] });
        Assert.Equal(["containers[1]", "containers[2]", "containers[4]"], errors.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("check digit", errors["containers[1]"][0]);
    }

    [Fact]
    public void A_repeated_container_is_named_at_its_second_occurrence()
    {
        var errors = Errors(Request with { Containers = ["CSQU3054383", "APZU4812090", "CSQU3054383"] });
        Assert.Equal(["containers[2]"], errors.Keys.ToArray());
        Assert.Contains("CSQU3054383", errors["containers[2]"][0]);
    }

    [Fact]
    public void Containers_keep_their_order()
    {
        var booking = Valid(Request with { Containers = ["ZEPU0037255", "CSQU3054383", "APZU4812090"] });
        Assert.Equal(["ZEPU0037255", "CSQU3054383", "APZU4812090"], booking.Containers.Select(c => c.Value));
    }

    [Theory]
    [InlineData("GENERAL")]
    [InlineData("CBEC_B2B_9710")]
    [InlineData("CBEC_B2B_9810")]
    [InlineData("MARKET_PROCUREMENT_1039")]
    [InlineData("POSTAL")]
    [InlineData("USED_VEHICLE")]
    public void Trade_modes_of_the_contract_are_accepted(string mode) =>
        Assert.Equal(Enum.Parse<TradeMode>(mode), Valid(Request with { TradeMode = mode }).TradeMode);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("general")]
    [InlineData("9710")]
    [InlineData("0")]
    [InlineData("GENERAL,POSTAL")] // not a list: one value
    [InlineData("EXPORT")]
    public void Other_trade_modes_are_rejected(string? mode) => OnlyError(Request with { TradeMode = mode }, "tradeMode");

    [Fact]
    public void Legs_are_required_one_to_ten()
    {
        OnlyError(Request with { Legs = null }, "legs");
        OnlyError(Request with { Legs = [] }, "legs");
        Assert.Equal(10, Valid(Request with { Legs = ConnectedLegs(10) }).Legs.Count);
        OnlyError(Request with { Legs = ConnectedLegs(11) }, "legs");
    }

    [Fact]
    public void A_missing_leg_is_named() => OnlyError(Request with { Legs = [BargeLeg, null] }, "legs[1]");

    [Fact]
    public void Legs_must_connect()
    {
        var errors = Errors(Request with { Legs = [BargeLeg, VesselLeg with { From = "CNSUD" }] });
        Assert.Equal(["legs[1].from"], errors.Keys.ToArray());
        Assert.Contains("CNNSA", errors["legs[1].from"][0]);
    }

    [Fact]
    public void Any_chain_of_connected_legs_is_accepted_and_any_break_is_named_at_the_leg_that_does_not_connect()
    {
        var gen = Gen.Select(Gen.Int[1, 10], Gen.Int[0, 9], (count, broken) => (count, broken: Math.Min(broken, count - 1)));
        gen.Sample((count, broken) =>
        {
            var legs = ConnectedLegs(count);
            Assert.Equal(count, Valid(Request with { Legs = legs }).Legs.Count);
            if (broken == 0)
            {
                return;
            }

            var wrong = legs.ToList();
            wrong[broken] = wrong[broken]! with { From = "CNNSA" };
            Assert.Equal([$"legs[{broken}].from"], Errors(Request with { Legs = wrong }).Keys.ToArray());
        }, iter: 200);
    }

    [Theory]
    [InlineData("SHIP", "legs[0].mode")]
    [InlineData("barge", "legs[0].mode")]
    [InlineData(null, "legs[0].mode")]
    public void Leg_mode_must_be_RAIL_BARGE_VESSEL_or_TRUCK(string? mode, string field) =>
        OnlyError(Request with { Legs = [BargeLeg with { Mode = mode }, VesselLeg] }, field);

    [Theory]
    [InlineData("RAIL")]
    [InlineData("BARGE")]
    [InlineData("VESSEL")]
    [InlineData("TRUCK")]
    public void Every_mode_is_accepted(string mode) =>
        Assert.Equal(Enum.Parse<TransportMode>(mode), Valid(Request with { Legs = [BargeLeg with { Mode = mode }] }).Legs[0].Mode);

    [Theory]
    [InlineData(null)]
    [InlineData("SG")]
    [InlineData("suigang903-2011a")]
    [InlineData("SUIGANG 903")]
    [InlineData("SUIGANG903/2011A")]
    [InlineData("SUIGANG903-2011A-SUIGANG903-2011A-SUIGANG903-2011A-SUIGANG903")] // 61
    public void Leg_conveyanceId_is_3_to_60_URL_safe_characters(string? id) =>
        OnlyError(Request with { Legs = [BargeLeg, VesselLeg with { ConveyanceId = id }] }, "legs[1].conveyanceId");

    [Theory]
    [InlineData("cnsde", "legs[0].from")]
    [InlineData("CNSD", "legs[0].from")]
    [InlineData(null, "legs[0].from")]
    public void Leg_from_must_be_a_UN_LOCODE(string? from, string field) =>
        // The first leg is invalid, so the second leg's connection is not judged against it.
        OnlyError(Request with { Legs = [BargeLeg with { From = from }, VesselLeg] }, field);

    [Fact]
    public void Leg_to_must_be_a_UN_LOCODE() =>
        OnlyError(Request with { Legs = [BargeLeg, VesselLeg with { To = "NL-RTM" }] }, "legs[1].to");

    [Fact]
    public void Planned_times_are_optional()
    {
        var booking = Valid(Request with { Legs = [BargeLeg with { PlannedDeparture = null, PlannedArrival = null }, VesselLeg with { PlannedArrival = null }] });
        Assert.Null(booking.Legs[0].PlannedDeparture);
        Assert.Null(booking.Legs[0].PlannedArrival);
        Assert.Equal(Data.T("2020-12-02T22:00:00+08:00"), booking.Legs[1].PlannedDeparture);
        Assert.Null(booking.Legs[1].PlannedArrival);
    }

    [Theory]
    [InlineData("2020-11-30T09:00:00", "legs[0].plannedDeparture")]
    [InlineData("30.11.2020", "legs[0].plannedDeparture")]
    public void Planned_departure_needs_an_offset(string time, string field) =>
        OnlyError(Request with { Legs = [BargeLeg with { PlannedDeparture = time }, VesselLeg] }, field);

    [Fact]
    public void Planned_arrival_needs_an_offset() =>
        OnlyError(Request with { Legs = [BargeLeg, VesselLeg with { PlannedArrival = "2021-01-08T06:00:00" }] }, "legs[1].plannedArrival");

    [Fact]
    public void Arrival_before_departure_is_rejected()
    {
        var errors = Errors(Request with { Legs = [BargeLeg with { PlannedArrival = "2020-11-30T08:59:59+08:00" }, VesselLeg] });
        Assert.Equal(["legs[0].plannedArrival"], errors.Keys.ToArray());
    }

    [Fact]
    public void Arrival_and_departure_are_compared_as_instants_not_local_times()
    {
        // 2020-11-30T06:00+01:00 is 13:00 in China: after a 09:00+08:00 departure although it reads earlier.
        Valid(Request with { Legs = [BargeLeg with { PlannedArrival = "2020-11-30T06:00:00+01:00" }] });
        // 2020-11-30T12:00+08:00 departure vs 2020-11-30T05:00+01:00 (= 12:00+08:00): equal is allowed.
        Valid(Request with { Legs = [BargeLeg with { PlannedDeparture = "2020-11-30T12:00:00+08:00", PlannedArrival = "2020-11-30T05:00:00+01:00" }] });
        // 2020-11-30T16:00+08:00 departure vs 2020-11-30T08:00+01:00 (= 15:00+08:00): before.
        OnlyError(Request with { Legs = [BargeLeg with { PlannedDeparture = "2020-11-30T16:00:00+08:00", PlannedArrival = "2020-11-30T08:00:00+01:00" }] }, "legs[0].plannedArrival");
    }

    [Fact]
    public void Export_declaration_is_optional()
    {
        Assert.Null(Valid(Request with { ExportDeclaration = null }).ExportDeclaration);
    }

    [Theory]
    [InlineData(null, "91440600MA4WXXXX1X", "exportDeclaration.number")]
    [InlineData("   ", "91440600MA4WXXXX1X", "exportDeclaration.number")]
    [InlineData("53012020100001234553012020100001234553012", "91440600MA4WXXXX1X", "exportDeclaration.number")] // 41
    [InlineData("530120201000012345", null, "exportDeclaration.exporterTaxId")]
    [InlineData("530120201000012345", "", "exportDeclaration.exporterTaxId")]
    public void Declaration_fields_are_required_and_bounded(string? number, string? taxId, string field) =>
        OnlyError(Request with { ExportDeclaration = new ExportDeclarationRequest(number, taxId, false) }, field);

    [Fact]
    public void Dangerous_goods_flag_is_kept()
    {
        Assert.True(Valid(Request with { ExportDeclaration = new ExportDeclarationRequest("530120201000012345", "91440600MA4WXXXX1X", true) })
            .ExportDeclaration!.DangerousGoods);
    }

    [Fact]
    public void Every_bad_field_is_named_at_once()
    {
        var errors = Errors(new BookingRequest(
            "x", ["MSCU6639871"], "SEA", new ExportDeclarationRequest(null, null, null),
            [BargeLeg with { Mode = "SHIP" }, VesselLeg with { PlannedArrival = "2020-12-01T00:00:00+08:00" }]));
        Assert.Equal(
            ["containers[0]", "exportDeclaration.exporterTaxId", "exportDeclaration.number", "legs[0].mode", "legs[1].plannedArrival", "shipmentId", "tradeMode"],
            errors.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    private static List<LegRequest?> ConnectedLegs(int count)
    {
        string[] ports = ["CNDLG", "CNEHH", "MNULN", "RUMOW", "BYBRS", "PLMAL", "DEDUI", "DEHAM", "NLRTM", "BEANR", "GBFXT", "FRLEH"];
        return Enumerable.Range(0, count)
            .Select(i => (LegRequest?)new LegRequest("RAIL", $"X8426-2021011{i % 10}", ports[i], ports[i + 1], null, null))
            .ToList();
    }

    private static List<string?> DistinctValidNumbers(int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var firstTen = $"CSQU{i:D6}";
            return (string?)(firstTen + ContainerNumber.CheckDigit(firstTen));
        }).ToList();
}
