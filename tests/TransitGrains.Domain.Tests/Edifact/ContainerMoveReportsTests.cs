using CsCheck;
using NodaTime;
using NodaTime.Text;
using TransitGrains.Domain.Edifact;
using TransitGrains.Domain.Events;
using TransitGrains.Edifact;

namespace TransitGrains.Domain.Tests.Edifact;

/// <summary>CODECO and COARRI as terminals send them (SMDG/ITIGG, D.95B), read as our events.</summary>
public sealed class ContainerMoveReportsTests
{
    private const string GateIn = """
        UNB+UNOA:2+BJT+TRANSITGRAINS+201130:0720+BJT20113001'
        UNH+1+CODECO:D:95B:UN:ITG14'
        BGM+34+BJT-GI-0001+9'
        TDT+1++3+++++YUE A12345:146::YUE A12345'
        EQD+CN+CBHU2011304+22G1:102:5++2+5'
        DTM+7:202011300710:203'
        LOC+165+CNSUD:139:6+BJT:TER:ZZZ'
        EQD+CH+TRAILER1'
        EQD+CN+CBHU2011310+22G1:102:5++2+4'
        DTM+7:20201130072030:204'
        LOC+165+CNSUD:139:6+BJT:TER:ZZZ'
        CNT+16:2'
        UNT+12+1'
        UNZ+1+BJT20113001'
        """;

    /// <summary>A loading report: the vessel in the header, the port of loading once for all containers.</summary>
    private const string Loading = """
        UNB+UNOC:3+NSA+TRANSITGRAINS+201202:1200+NS4LD0001'
        UNH+7+COARRI:D:00B:UN:SMDG20'
        BGM+46+NS4-LD-47W+9'
        TDT+20+147W+1++COS:172:20+++9355769:146:11:COSCO PRIDE'
        LOC+9+CNNSA:139:6+NS4:TER:ZZZ'
        LOC+11+NLRTM:139:6'
        EQD+CN+CBHU2011304+45G1:102:5++2+5'
        DTM+203:202012021030?+0800:303'
        LOC+147+0140682::5'
        EQD+CN+CBHU2011310+45G1:102:5++2+5'
        DTM+203:202012020250UTC:303'
        LOC+147+0140684::5'
        CNT+16:2'
        UNT+13+7'
        UNZ+1+NS4LD0001'
        """;

    private static IReadOnlyList<MoveReport> Read(string text) => ContainerMoveReports.Read(Interchange.Read(text));

    private static EventSubmission Event(MoveReport report, int index) => report.Moves[index].Submission
        ?? throw new InvalidOperationException($"move {index} was not read: {report.Moves[index].Error}");

    [Fact]
    public void A_gate_in_report_is_one_GTIN_per_container_group_at_the_terminal_in_local_time()
    {
        var report = Assert.Single(Read(GateIn));

        Assert.Equal(("1", "CODECO", null), (report.MessageReference, report.Type, report.Rejection));
        Assert.Equal(["BJT:BJT20113001:1:1", "BJT:BJT20113001:1:2"], report.Moves.Select(m => m.EventId)); // the chassis is no event
        var first = Event(report, 0);
        Assert.Equal(("EQUIPMENT", "GTIN", "ACT"), (first.EventType, first.EventCode, first.Classifier));
        Assert.Equal(("CBHU2011304", "CNSUD", "BJT"), (first.ContainerNumber, first.Location, first.Facility));
        Assert.Equal("2020-11-30T07:10:00+08:00", first.EventDateTime); // no offset: Shunde's clock, China time
        Assert.Equal("LADEN", first.EmptyIndicator);
        Assert.Equal(("TRUCK", "YUEA12345"), (first.ModeOfTransport, first.ConveyanceId)); // the truck that brought it
        var second = Event(report, 1);
        Assert.Equal(("2020-11-30T07:20:30+08:00", "EMPTY"), (second.EventDateTime, second.EmptyIndicator));
        Assert.All(report.Moves, m => Assert.True(EventValidator.Validate(m.Submission!, Instant.FromUtc(2026, 1, 1, 0, 0)).IsValid));
    }

    [Fact]
    public void A_loading_report_is_LOAD_on_the_vessel_named_and_numbered_in_TDT_at_the_port_of_loading()
    {
        var report = Assert.Single(Read(Loading));

        var load = Event(report, 0);
        Assert.Equal(("LOAD", "CNNSA", "NS4"), (load.EventCode, load.Location, load.Facility)); // LOC+9, not LOC+11 or the stowage cell
        Assert.Equal(("VESSEL", "COSCOPRIDE-147W"), (load.ModeOfTransport, load.ConveyanceId));
        Assert.Equal("2020-12-02T10:30:00+08:00", load.EventDateTime);
        Assert.Equal("2020-12-02T02:50:00Z", Event(report, 1).EventDateTime); // the offset as sent; shown in the place's zone later
        Assert.Equal("NSA:NS4LD0001:7:2", report.Moves[1].EventId);
    }

    [Fact]
    public void A_discharge_report_is_DISC_at_the_port_of_discharge()
    {
        var discharge = Loading.Replace("BGM+46", "BGM+44", StringComparison.Ordinal)
            .Replace("LOC+11+NLRTM:139:6'", "LOC+11+CNNSA:139:6+NS4:TER:ZZZ'", StringComparison.Ordinal)
            .Replace("LOC+9+CNNSA:139:6+NS4:TER:ZZZ'", "LOC+9+CNSUD:139:6'", StringComparison.Ordinal);

        var e = Event(Assert.Single(Read(discharge)), 0);

        Assert.Equal(("DISC", "CNNSA", "NS4"), (e.EventCode, e.Location, e.Facility));
    }

    [Theory]
    [InlineData("2", "RAIL")]
    [InlineData("8", "BARGE")]
    [InlineData("1", "VESSEL")]
    [InlineData("3", "TRUCK")]
    public void The_mode_comes_from_the_TDT_mode_of_transport(string code, string mode)
    {
        var text = Loading.Replace("TDT+20+147W+1++", $"TDT+20+147W+{code}++", StringComparison.Ordinal);

        Assert.Equal(mode, Event(Assert.Single(Read(text)), 0).ModeOfTransport);
    }

    [Fact]
    public void A_conveyance_without_a_name_is_its_reference_and_a_name_keeps_only_what_an_id_may_hold()
    {
        var unnamed = Loading.Replace("+++9355769:146:11:COSCO PRIDE'", "'", StringComparison.Ordinal);
        var released = Loading.Replace("COSCO PRIDE", "Cosco ?+ Pride/ä", StringComparison.Ordinal);

        Assert.Equal("147W", Event(Assert.Single(Read(unnamed)), 0).ConveyanceId);
        Assert.Equal("COSCOPRIDE-147W", Event(Assert.Single(Read(released)), 0).ConveyanceId);
    }

    [Fact]
    public void A_gate_move_without_a_TDT_of_a_booked_mode_carries_no_conveyance()
    {
        var byPipeline = GateIn.Replace("TDT+1++3++", "TDT+1++7++", StringComparison.Ordinal);

        var e = Event(Assert.Single(Read(byPipeline)), 0);

        Assert.Equal((null, null), (e.ModeOfTransport, e.ConveyanceId));
    }

    [Fact]
    public void A_time_without_an_offset_is_read_in_the_zone_of_its_place_with_summer_time()
    {
        var moscow = GateIn.Replace("CNSUD", "RUMOW", StringComparison.Ordinal).Replace("202011300710", "202107151200", StringComparison.Ordinal);
        var duisburg = GateIn.Replace("CNSUD", "DEDUI", StringComparison.Ordinal).Replace("202011300710", "202107151200", StringComparison.Ordinal);

        Assert.Equal("2021-07-15T12:00:00+03:00", Event(Assert.Single(Read(moscow)), 0).EventDateTime);
        Assert.Equal("2021-07-15T12:00:00+02:00", Event(Assert.Single(Read(duisburg)), 0).EventDateTime);
    }

    /// <summary>A zone offset's sign is the element separator, so it is sent released: <c>?+08</c>.</summary>
    [Theory]
    [InlineData("DTM+7:202011300710:203", "2020-11-30T07:10:00+08:00")]
    [InlineData("DTM+7:20201130071005:204", "2020-11-30T07:10:05+08:00")]
    [InlineData("DTM+7:202011300710?+01:303", "2020-11-30T07:10:00+01:00")]
    [InlineData("DTM+7:202011300710-0530:303", "2020-11-30T07:10:00-05:30")]
    [InlineData("DTM+7:20201130071005Z:304", "2020-11-30T07:10:05Z")]
    [InlineData("DTM+7:202011300710", "2020-11-30T07:10:00+08:00")]
    public void Times_are_read_in_formats_203_204_303_and_304(string dtm, string expected)
    {
        var text = GateIn.Replace("DTM+7:202011300710:203", dtm, StringComparison.Ordinal);

        Assert.Equal(expected, Event(Assert.Single(Read(text)), 0).EventDateTime);
    }

    [Fact]
    public void Any_time_written_in_format_304_reads_back_as_the_same_time_and_offset()
    {
        var pattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuuMMddHHmmss");
        Gen.Select(Gen.Int[0, 3_000_000], Gen.Int[-12 * 60, 14 * 60])
            .Sample((minutes, offsetMinutes) =>
            {
                var local = new LocalDateTime(2000, 1, 1, 0, 0).PlusMinutes(minutes).PlusSeconds(minutes % 60);
                var offset = Offset.FromSeconds(offsetMinutes * 60);
                var sign = offsetMinutes < 0 ? "-" : "+";
                var text = $"{pattern.Format(local)}{sign}{Math.Abs(offsetMinutes) / 60:00}{Math.Abs(offsetMinutes) % 60:00}";

                var (time, problem) = EdifactTime.Read(text, "304", zone: null);

                Assert.Null(problem);
                Assert.Equal(local.WithOffset(offset), time);
            });
    }

    [Theory]
    [InlineData("DTM+7:202011311010:203", "not a time in format 203")]
    [InlineData("DTM+7:TOMORROW:203", "not a time in format 203")]
    [InlineData("DTM+7:2020113007:203", "not a time in format 203")]
    [InlineData("DTM+7:202011300710:102", "format 102 is not read")]
    [InlineData("DTM+7:202011300710?+8:303", "does not end in a zone offset")]
    [InlineData("DTM+137:202011300710:203", "no DTM+7")]
    public void A_time_that_is_not_a_time_rejects_the_move_naming_the_segment(string dtm, string problem)
    {
        var move = Assert.Single(Read(GateIn.Replace("DTM+7:202011300710:203", dtm, StringComparison.Ordinal))).Moves[0];

        Assert.Null(move.Submission);
        Assert.StartsWith("eventDateTime: ", move.Error, StringComparison.Ordinal);
        Assert.Contains(problem, move.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LOC+165+SHUNDE:139:6+BJT:TER:ZZZ", "SHUNDE (at segment 7 (LOC, line 7)) is not a known place")]
    [InlineData("LOC+165+:139:6+BJT:TER:ZZZ", "no LOC+165")]
    [InlineData("LOC+9+CNSUD:139:6", "no LOC+165")]
    public void An_unknown_place_rejects_the_move(string loc, string problem)
    {
        var text = GateIn.Replace("LOC+165+CNSUD:139:6+BJT:TER:ZZZ'\nEQD+CH", loc + "'\nEQD+CH", StringComparison.Ordinal);

        var moves = Assert.Single(Read(text)).Moves;

        Assert.Null(moves[0].Submission);
        Assert.StartsWith("location: ", moves[0].Error, StringComparison.Ordinal);
        Assert.Contains(problem, moves[0].Error, StringComparison.Ordinal);
        Assert.NotNull(moves[1].Submission); // the next group is its own event
    }

    [Fact]
    public void A_place_without_a_known_zone_needs_an_offset()
    {
        var text = GateIn.Replace("CNSUD", "USLAX", StringComparison.Ordinal);

        var moves = Assert.Single(Read(text)).Moves;

        Assert.Contains("has no zone offset and the place has no known time zone", moves[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_container_check_digit_is_left_to_the_event_rules_which_reject_it()
    {
        var move = Assert.Single(Read(GateIn.Replace("CBHU2011304", "CBHU2011305", StringComparison.Ordinal))).Moves[0];

        var validated = EventValidator.Validate(move.Submission!, Instant.FromUtc(2026, 1, 1, 0, 0));

        Assert.False(validated.IsValid);
        Assert.Contains("containerNumber: ", validated.Errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("check digit", validated.Errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UNH+1+IFTSTA:D:95B:UN", "message type IFTSTA is not read")]
    [InlineData("UNH+1+CODECO:D:95A:UN", "CODECO D:95A is not read")]
    [InlineData("UNH+1+CODECO:S:93A:UN", "CODECO S:93A is not read")]
    public void A_message_of_a_type_or_directory_not_read_is_rejected_whole(string unh, string problem)
    {
        var report = Assert.Single(Read(GateIn.Replace("UNH+1+CODECO:D:95B:UN:ITG14", unh, StringComparison.Ordinal)));

        Assert.Empty(report.Moves);
        Assert.Contains(problem, report.Rejection, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BGM+46+BJT-GI-0001+9", "document code (BGM/1001) 46 is not read: send 34 (GTIN) or 36 (GTOT)")]
    [InlineData("BGM+34+BJT-GI-0001+1", "a cancellation")]
    public void A_document_not_read_is_rejected_whole(string bgm, string problem)
    {
        var report = Assert.Single(Read(GateIn.Replace("BGM+34+BJT-GI-0001+9", bgm, StringComparison.Ordinal)));

        Assert.Contains(problem, report.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void Later_directories_are_read()
    {
        var report = Assert.Single(Read(GateIn.Replace("CODECO:D:95B:UN:ITG14", "CODECO:D:16A:UN:SMDG20", StringComparison.Ordinal)));

        Assert.Null(report.Rejection);
        Assert.Equal("GTOT", Event(Assert.Single(Read(GateIn.Replace("BGM+34", "BGM+36", StringComparison.Ordinal))), 0).EventCode);
    }
}
