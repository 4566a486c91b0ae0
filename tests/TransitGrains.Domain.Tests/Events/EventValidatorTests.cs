using CsCheck;
using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Tests.Support;

namespace TransitGrains.Domain.Tests.Events;

public class EventValidatorTests
{
    private static readonly Instant Now = Data.I("2020-11-30T10:00:00+08:00");

    /// <summary>The LOAD of api.md: valid as it stands.</summary>
    private static readonly EventSubmission Load = new(
        "SDE-20201130-0001", "EQUIPMENT", "LOAD", "ACT", "2020-11-30T08:55:00+08:00", "CNSUD", "BJT",
        "BARGE", "SUIGANG903-2011A", "CSQU3054383", null);

    private static readonly EventSubmission Depa = new(
        "SDE-20201130-0002", "TRANSPORT", "DEPA", "ACT", "2020-11-30T09:12:00+08:00", "CNSUD", null,
        "BARGE", "SUIGANG903-2011A", null, null);

    private static readonly EventSubmission Cusr = new(
        "SDE-20201130-0000", "CUSTOMS", "CUSR", "ACT", "2020-11-30T08:40:00+08:00", "CNSUD", null,
        null, null, "CSQU3054383", "530120201000012345");

    private static readonly EventSubmission Gtin = new(
        "SDE-20201130-0003", "EQUIPMENT", "GTIN", null, "2020-11-30T07:10:00+08:00", "CNSUD", "BJT",
        null, null, "CSQU3054383", null);

    private static IReadOnlyDictionary<string, string[]> Errors(EventSubmission submission)
    {
        var result = EventValidator.Validate(submission, Now);
        Assert.False(result.IsValid, $"{submission} should be rejected");
        Assert.Null(result.Value);
        return result.Errors.ToDictionary();
    }

    private static TransitEvent Valid(EventSubmission submission)
    {
        var result = EventValidator.Validate(submission, Now);
        Assert.True(result.IsValid, result.Errors.ToString());
        return result.Value!;
    }

    private static void OnlyError(EventSubmission submission, string field)
    {
        var errors = Errors(submission);
        Assert.Equal([field], errors.Keys.ToArray());
        Assert.All(errors[field], message => Assert.False(string.IsNullOrWhiteSpace(message)));
    }

    [Fact]
    public void The_api_md_load_is_accepted_field_by_field()
    {
        var e = Valid(Load);
        Assert.Equal("SDE-20201130-0001", e.EventId);
        Assert.Equal(EventType.EQUIPMENT, e.EventType);
        Assert.Equal(EventCode.LOAD, e.EventCode);
        Assert.Equal(EventClassifier.ACT, e.Classifier);
        Assert.Equal(Data.T("2020-11-30T08:55:00+08:00"), e.EventDateTime);
        Assert.Equal(Offset.FromHours(8), e.EventDateTime.Offset); // the reported offset is kept
        Assert.Equal("CNSUD", e.Location.Value);
        Assert.Equal("BJT", e.Facility);
        Assert.Equal(TransportMode.BARGE, e.ModeOfTransport);
        Assert.Equal("SUIGANG903-2011A", e.ConveyanceId);
        Assert.Equal(Data.C("CSQU3054383"), e.ContainerNumber);
        Assert.Equal(Now, e.ReceivedAt);
        Assert.Equal(new ConveyanceKey(TransportMode.BARGE, "SUIGANG903-2011A"), e.Conveyance);
    }

    [Fact]
    public void Transport_and_customs_events_of_the_barge_leg_are_accepted()
    {
        Assert.Equal(EventCode.DEPA, Valid(Depa).EventCode);
        var release = Valid(Cusr);
        Assert.Equal("530120201000012345", release.DeclarationNumber);
        Assert.Null(release.Conveyance);
    }

    [Fact]
    public void Classifier_defaults_to_ACT() =>
        Assert.Equal(EventClassifier.ACT, Valid(Gtin).Classifier);

    [Theory]
    [InlineData("EST")]
    [InlineData("PLN")]
    public void Classifier_EST_and_PLN_are_kept(string classifier) =>
        Assert.Equal(Enum.Parse<EventClassifier>(classifier), Valid(Depa with { Classifier = classifier }).Classifier);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void EventId_is_required(string? id) => OnlyError(Load with { EventId = id }, "eventId");

    [Fact]
    public void EventId_is_at_most_100_characters()
    {
        Assert.Equal(new string('X', 100), Valid(Load with { EventId = new string('X', 100) }).EventId);
        OnlyError(Load with { EventId = new string('X', 101) }, "eventId");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("equipment")]
    [InlineData("CONTAINER")]
    [InlineData("1")]
    public void EventType_must_be_one_of_the_three(string? type) => OnlyError(Load with { EventType = type }, "eventType");

    [Theory]
    [InlineData(null)]
    [InlineData("load")]
    [InlineData("LOADED")]
    [InlineData("5")]
    public void EventCode_must_be_a_known_code(string? code) => OnlyError(Load with { EventCode = code }, "eventCode");

    // Enum.TryParse reads "A,B" as the bitwise OR of A and B: LOAD(5)|DISC(6) = 7 = STUF. The contract's values are single names.
    [Theory]
    [InlineData("LOAD,DISC")]
    [InlineData("DEPA, ARRI")]
    [InlineData(" LOAD")]
    [InlineData("LOAD ")]
    public void EventCode_lists_and_padding_are_not_codes(string code) => Assert.Contains("eventCode", Errors(Load with { EventCode = code }).Keys);

    [Theory]
    [InlineData("TRANSPORT", "LOAD")]
    [InlineData("CUSTOMS", "LOAD")]
    [InlineData("EQUIPMENT", "DEPA")]
    [InlineData("EQUIPMENT", "CUSR")]
    [InlineData("TRANSPORT", "CUSX")]
    public void EventType_and_eventCode_must_match(string type, string code)
    {
        var errors = Errors(Load with { EventType = type, EventCode = code, DeclarationNumber = null });
        Assert.Contains("eventCode", errors.Keys);
        Assert.Contains(errors["eventCode"], m => m.Contains(type, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DEPA", "TRANSPORT")]
    [InlineData("ARRI", "TRANSPORT")]
    [InlineData("CROS", "TRANSPORT")]
    [InlineData("GTIN", "EQUIPMENT")]
    [InlineData("GTOT", "EQUIPMENT")]
    [InlineData("LOAD", "EQUIPMENT")]
    [InlineData("DISC", "EQUIPMENT")]
    [InlineData("STUF", "EQUIPMENT")]
    [InlineData("STRP", "EQUIPMENT")]
    [InlineData("CUSR", "CUSTOMS")]
    [InlineData("CUSI", "CUSTOMS")]
    [InlineData("CUSH", "CUSTOMS")]
    [InlineData("CUSX", "CUSTOMS")]
    public void Every_code_has_its_type(string code, string type) =>
        Assert.Equal(Enum.Parse<EventType>(type), EventVocabulary.TypeOf(Enum.Parse<EventCode>(code)));

    [Theory]
    [InlineData("")]
    [InlineData("act")]
    [InlineData("ACTUAL")]
    [InlineData("0")]
    public void Classifier_must_be_ACT_EST_or_PLN(string classifier) => OnlyError(Load with { Classifier = classifier }, "classifier");

    [Theory]
    [InlineData("2020-11-30T09:00:00")]       // no offset: ambiguous
    [InlineData("2020-11-30 09:00:00+08:00")]
    [InlineData("2020-11-30")]
    [InlineData("30/11/2020 09:00 +08:00")]
    [InlineData("2020-11-31T09:00:00+08:00")] // no such day
    [InlineData("")]
    [InlineData(null)]
    public void EventDateTime_needs_an_ISO_time_with_offset(string? time) => OnlyError(Load with { EventDateTime = time }, "eventDateTime");

    [Theory]
    [InlineData("2020-11-30T01:00:00Z")]
    [InlineData("2020-11-30T09:00:00+08:00")]
    [InlineData("2020-11-30T04:00:00+03:00")]
    [InlineData("2020-11-30T09:00:00.250+08:00")]
    public void EventDateTime_with_an_offset_is_accepted(string time) =>
        Assert.Equal(Data.T(time), Valid(Load with { EventDateTime = time }).EventDateTime);

    [Fact]
    public void An_actual_event_may_be_at_most_one_day_ahead_of_the_clock()
    {
        var oneDayAhead = Data.Format(Now.Plus(Duration.FromDays(1)).WithOffset(Offset.FromHours(8)));
        var justOver = Data.Format(Now.Plus(Duration.FromDays(1) + Duration.FromSeconds(1)).WithOffset(Offset.FromHours(8)));
        Valid(Depa with { EventDateTime = oneDayAhead });
        OnlyError(Depa with { EventDateTime = justOver }, "eventDateTime");
        OnlyError(Depa with { EventDateTime = "2020-12-15T09:00:00+08:00", Classifier = null }, "eventDateTime"); // ACT by default
    }

    [Theory]
    [InlineData("EST")]
    [InlineData("PLN")]
    public void Estimated_and_planned_events_may_be_far_in_the_future(string classifier)
    {
        var e = Valid(Depa with { Classifier = classifier, EventDateTime = "2021-01-08T06:00:00+01:00" });
        Assert.Equal(Data.T("2021-01-08T06:00:00+01:00"), e.EventDateTime);
    }

    [Fact]
    public void The_future_limit_compares_instants_not_local_times() =>
        // 2020-12-01T16:00 at -08:00 is 2020-12-02T00:00Z: more than a day after 2020-11-30T02:00Z, although its local
        // date looks like only a day later.
        OnlyError(Depa with { EventDateTime = "2020-12-01T16:00:00-08:00" }, "eventDateTime");

    [Theory]
    [InlineData(null)]
    [InlineData("cnsde")]
    [InlineData("CNSD")]
    [InlineData("CNSD1")]
    [InlineData("Shunde")]
    public void Location_must_be_a_UN_LOCODE(string? location) => OnlyError(Load with { Location = location }, "location");

    [Theory]
    [InlineData("SHIP")]
    [InlineData("barge")]
    [InlineData("")]
    public void ModeOfTransport_must_be_a_known_mode(string mode) => OnlyError(Load with { ModeOfTransport = mode }, "modeOfTransport");

    [Theory]
    [InlineData("suigang903")]     // lower case
    [InlineData("SG")]             // too short
    [InlineData("SUIGANG 903")]    // space
    [InlineData("SUIGANG/903")]    // travels in URLs
    public void ConveyanceId_is_3_to_60_of_A_Z_0_9_dash_underscore_dot(string id) => OnlyError(Load with { ConveyanceId = id }, "conveyanceId");

    [Fact]
    public void ConveyanceId_length_limits()
    {
        Valid(Load with { ConveyanceId = "X84" });
        Valid(Load with { ConveyanceId = new string('A', 60) });
        OnlyError(Load with { ConveyanceId = new string('A', 61) }, "conveyanceId");
    }

    [Theory]
    [InlineData("MSCU6639871")] // wrong check digit
    [InlineData("csqu3054383")]
    [InlineData("CSQU305438")]
    public void ContainerNumber_must_be_valid_ISO_6346(string number) => OnlyError(Load with { ContainerNumber = number }, "containerNumber");

    [Theory]
    [InlineData("DEPA")]
    [InlineData("ARRI")]
    [InlineData("CROS")]
    public void Transport_events_need_mode_and_conveyance(string code)
    {
        var depa = Depa with { EventCode = code };
        Valid(depa);
        OnlyError(depa with { ModeOfTransport = null }, "modeOfTransport");
        OnlyError(depa with { ConveyanceId = null }, "conveyanceId");
        var neither = Errors(depa with { ModeOfTransport = null, ConveyanceId = null });
        Assert.Equal(["conveyanceId", "modeOfTransport"], neither.Keys.Order().ToArray());
    }

    [Fact]
    public void Transport_events_do_not_need_a_container() =>
        Assert.Null(Valid(Depa with { ContainerNumber = null }).ContainerNumber);

    [Theory]
    [InlineData("LOAD")]
    [InlineData("DISC")]
    public void Load_and_discharge_need_mode_conveyance_and_container(string code)
    {
        var move = Load with { EventCode = code };
        Valid(move);
        OnlyError(move with { ModeOfTransport = null }, "modeOfTransport");
        OnlyError(move with { ConveyanceId = null }, "conveyanceId");
        OnlyError(move with { ContainerNumber = null }, "containerNumber");
    }

    [Theory]
    [InlineData("EQUIPMENT", "GTIN")]
    [InlineData("EQUIPMENT", "GTOT")]
    [InlineData("EQUIPMENT", "STUF")]
    [InlineData("EQUIPMENT", "STRP")]
    [InlineData("CUSTOMS", "CUSR")]
    [InlineData("CUSTOMS", "CUSI")]
    [InlineData("CUSTOMS", "CUSH")]
    [InlineData("CUSTOMS", "CUSX")]
    public void Other_equipment_and_customs_events_need_a_container_only(string type, string code)
    {
        var e = Gtin with { EventType = type, EventCode = code };
        var accepted = Valid(e);
        Assert.Null(accepted.ModeOfTransport);
        Assert.Null(accepted.ConveyanceId);
        OnlyError(e with { ContainerNumber = null }, "containerNumber");
    }

    [Fact]
    public void Only_customs_events_carry_a_declaration_number()
    {
        OnlyError(Load with { DeclarationNumber = "530120201000012345" }, "declarationNumber");
        OnlyError(Cusr with { DeclarationNumber = "" }, "declarationNumber");
        OnlyError(Cusr with { DeclarationNumber = new string('5', 41) }, "declarationNumber");
    }

    [Theory]
    [InlineData("EMPTY", EmptyIndicator.EMPTY)]
    [InlineData("LADEN", EmptyIndicator.LADEN)]
    [InlineData(null, null)]
    public void An_equipment_event_may_say_whether_the_container_is_empty_or_laden(string? text, EmptyIndicator? indicator)
    {
        Assert.Equal(indicator, Valid(Load with { EmptyIndicator = text }).EmptyIndicator);
        Assert.Equal(indicator, Valid(Gtin with { EmptyIndicator = text }).EmptyIndicator);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("FULL")]
    [InlineData("")]
    public void EmptyIndicator_is_EMPTY_or_LADEN(string text) => OnlyError(Load with { EmptyIndicator = text }, "emptyIndicator");

    [Fact]
    public void Only_equipment_events_say_empty_or_laden()
    {
        OnlyError(Depa with { EmptyIndicator = "EMPTY" }, "emptyIndicator");
        OnlyError(Cusr with { EmptyIndicator = "LADEN" }, "emptyIndicator");
    }

    [Fact]
    public void Facility_is_at_most_35_characters()
    {
        Valid(Load with { Facility = new string('F', 35) });
        OnlyError(Load with { Facility = new string('F', 36) }, "facility");
    }

    [Fact]
    public void Every_bad_field_is_named_at_once()
    {
        var errors = Errors(new EventSubmission("", "EQUIPMENT", "LOAD", "NOW", "2020-11-30T09:00:00", "cnsde", null, "SHIP", "x", "MSCU6639871", null));
        Assert.Equal(
            ["classifier", "containerNumber", "conveyanceId", "eventDateTime", "eventId", "location", "modeOfTransport"],
            errors.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Errors_read_as_one_line_naming_the_fields()
    {
        var text = EventValidator.Validate(Load with { Location = "cnsde", ContainerNumber = null }, Now).Errors.ToString();
        Assert.Contains("location: ", text);
        Assert.Contains("containerNumber: required for LOAD", text);
    }

    [Fact]
    public void Any_valid_event_stays_valid_and_unchanged_when_reported_with_another_offset()
    {
        // The same instant written in any whole-hour offset is the same event time; the offset is kept as reported.
        Gen.Int[-12, 14].Sample(hours =>
        {
            var local = Data.T("2020-11-30T08:55:00+08:00").WithOffset(Offset.FromHours(hours));
            var e = Valid(Load with { EventDateTime = Data.Format(local) });
            Assert.Equal(local, e.EventDateTime);
            Assert.Equal(Data.I("2020-11-30T00:55:00Z"), e.OccurredAt);
        }, iter: 100);
    }
}
