namespace TransitGrains.Edifact.Tests;

/// <summary>The envelope of ISO 9735 as <see cref="Interchange.Read"/> checks it, and how it names what breaks it.</summary>
public sealed class InterchangeTests
{
    /// <summary>A gate-in report as a terminal sends it, one segment per line.</summary>
    private const string GateIn = """
        UNB+UNOA:2+BJT+TRANSITGRAINS+201130:0720+BJT20113001'
        UNH+1+CODECO:D:95B:UN:ITG14'
        BGM+34+BJT-GI-0001+9'
        EQD+CN+CBHU2011304+22G1:102:5++2+5'
        DTM+7:202011300710:203'
        LOC+165+CNSUD:139:6+BJT:TER:ZZZ'
        CNT+16:1'
        UNT+7+1'
        UNZ+1+BJT20113001'
        """;

    private static string OneLine(string text) => text.Replace("\n", "", StringComparison.Ordinal);

    [Fact]
    public void A_gate_in_report_reads_with_its_parties_reference_and_one_message()
    {
        var interchange = Interchange.Read(GateIn);

        Assert.Equal((SyntaxLevel.UNOA, 2, "BJT", "TRANSITGRAINS", "BJT20113001"),
            (interchange.Level, interchange.SyntaxVersion, interchange.Sender, interchange.Recipient, interchange.Reference));
        var message = Assert.Single(interchange.Messages);
        Assert.Equal(("1", "CODECO:D:95B:UN:ITG14"), (message.Reference, message.Identifier.ToString()));
        Assert.Equal(["BGM", "EQD", "DTM", "LOC", "CNT"], message.Segments.Select(s => s.Tag));
        var location = message.Segments[3];
        Assert.Equal(("165", "CNSUD", "BJT"), (location.Value(0), location.Value(1), location.Value(2)));
        Assert.Equal((6, 6), (location.Position, location.Line));
    }

    [Fact]
    public void One_line_or_one_per_line_with_either_line_break_reads_the_same()
    {
        var perLine = Interchange.Read(GateIn);
        foreach (var text in new[] { OneLine(GateIn), GateIn.Replace("\n", "\r\n", StringComparison.Ordinal), "\uFEFF" + GateIn + "\n\n" })
        {
            var read = Interchange.Read(text);
            Assert.Equal(Describe(perLine), Describe(read));
        }
    }

    [Fact]
    public void Line_breaks_inside_segments_are_not_data_so_an_interchange_wrapped_at_any_width_reads_the_same()
    {
        var oneLine = OneLine(GateIn);
        var wrapped = string.Join("\r\n", oneLine.Chunk(80).Select(c => new string(c)));

        Assert.Equal(Describe(Interchange.Read(oneLine)), Describe(Interchange.Read(wrapped)));
    }

    [Fact]
    public void UNA_names_other_service_characters()
    {
        var text = "UNA|*,! ~UNB*UNOB|3*SENDER*US*201130|0710*7~UNH*1*COARRI|D|00B|UN~FTX*AAA***ONE!*TWO!|THREE!!!~~UNT*3*1~UNZ*1*7~";

        var interchange = Interchange.Read(text);

        Assert.Equal(new ServiceCharacters('|', '*', ',', '!', null, '~'), interchange.Characters);
        var free = Assert.Single(Assert.Single(interchange.Messages).Segments);
        Assert.Equal("ONE*TWO|THREE!~", free.Value(3));
    }

    [Fact]
    public void The_release_character_makes_separators_terminators_and_itself_data()
    {
        var text = GateIn.Replace("BGM+34+BJT-GI-0001+9", "BGM+34+A?+B?:C?'D??E+9", StringComparison.Ordinal);

        var bgm = Interchange.Read(text).Messages[0].Segments[0];

        Assert.Equal(["34", "A+B:C'D?E", "9"], bgm.Elements.Select(e => e.Components.Single()));
    }

    [Fact]
    public void Syntax_version_4_repeats_data_elements_with_its_default_separator_and_earlier_versions_read_it_as_data()
    {
        var repeated = "UNB+UNOC:4+S+R+20201130:0710+9'UNH+1+IFTSTA:D:01B:UN'FTX+AAA+++LINE ONE*LINE TWO'UNT+3+1'UNZ+1+9'";

        var v4 = Interchange.Read(repeated).Messages[0].Segments[0];
        var v3 = Interchange.Read(repeated.Replace("UNOC:4", "UNOC:3", StringComparison.Ordinal)).Messages[0].Segments[0];

        Assert.Equal(["LINE ONE", "LINE TWO"], v4.Elements[3].Repetitions.Select(r => r[0]));
        Assert.Equal("LINE ONE*LINE TWO", Assert.Single(v3.Elements[3].Repetitions)[0]);
    }

    [Fact]
    public void UNOC_carries_Latin_1_and_UNOA_and_UNOB_do_not()
    {
        var latin = GateIn.Replace("BJT:TER:ZZZ", "BJT:TER:ZZZ+BEIJIAO TERMINAL, SHUNDÉ", StringComparison.Ordinal);

        Assert.Equal("BEIJIAO TERMINAL, SHUNDÉ", Interchange.Read(latin.Replace("UNOA:2", "UNOC:3", StringComparison.Ordinal)).Messages[0].Segments[3].Value(3));
        foreach (var level in new[] { "UNOA", "UNOB" })
        {
            var error = Assert.Throws<EdifactSyntaxException>(() => Interchange.Read(latin.Replace("UNOA", level, StringComparison.Ordinal)));
            Assert.Equal(("LOC", 6), (error.Tag, error.Position));
            Assert.Contains($"outside {level}'s repertoire", error.Message, StringComparison.Ordinal);
            Assert.Contains("U+00C9", error.Message, StringComparison.Ordinal);
        }

        // Lower-case letters in UNOA are read as sent: senders declaring it often use them.
        Assert.Equal("Beijiao", Interchange.Read(GateIn.Replace("BJT:TER", "Beijiao:TER", StringComparison.Ordinal)).Messages[0].Segments[3].Value(2));
    }

    [Fact]
    public void Functional_groups_are_read_and_counted()
    {
        var text = OneLine(GateIn)
            .Replace("UNH+1+", "UNG+CODECO+BJT+TRANSITGRAINS+201130:0720+G1+UN+D:95B'UNH+1+", StringComparison.Ordinal)
            .Replace("UNT+7+1'", "UNT+7+1'UNE+1+G1'", StringComparison.Ordinal);

        Assert.Single(Interchange.Read(text).Messages);
        var error = Assert.Throws<EdifactSyntaxException>(() => Interchange.Read(text.Replace("UNE+1+G1", "UNE+2+G1", StringComparison.Ordinal)));
        Assert.Equal(("UNE", 10), (error.Tag, error.Position));
        Assert.Contains("counts 2 messages, but there are 1", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, int, string> BrokenInterchanges => new()
    {
        { "no UNZ", GateIn.Replace("UNZ+1+BJT20113001'", "", StringComparison.Ordinal), "UNT", 8, "ends here, without its UNZ" },
        { "UNT counting too few segments", GateIn.Replace("UNT+7+1", "UNT+6+1", StringComparison.Ordinal), "UNT", 8, "counts 6 segments (UNH and UNT included), but there are 7" },
        { "UNT of another message", GateIn.Replace("UNT+7+1", "UNT+7+2", StringComparison.Ordinal), "UNT", 8, "its reference 2 is not its UNH's 1" },
        { "UNZ counting two messages", GateIn.Replace("UNZ+1+", "UNZ+2+", StringComparison.Ordinal), "UNZ", 9, "counts 2 messages, but there are 1" },
        { "UNZ of another interchange", GateIn.Replace("UNZ+1+BJT20113001", "UNZ+1+BJT20113002", StringComparison.Ordinal), "UNZ", 9, "is not its UNB's BJT20113001" },
        { "a release character at the end", GateIn.TrimEnd().Replace("UNZ+1+BJT20113001'", "UNZ+1+BJT20113001?", StringComparison.Ordinal), "UNZ", 9, "release character ? is the last character" },
        { "a released last terminator", GateIn.TrimEnd().Replace("UNZ+1+BJT20113001'", "UNZ+1+BJT20113001?'", StringComparison.Ordinal), "UNZ", 9, "its last ' is released by ?" },
        { "an unterminated last segment", GateIn.TrimEnd().Replace("UNZ+1+BJT20113001'", "UNZ+1+BJT20113001", StringComparison.Ordinal), "UNZ", 9, "not terminated by '" },
        { "no UNB", GateIn[GateIn.IndexOf("UNH", StringComparison.Ordinal)..], "UNH", 1, "starts with UNB" },
        { "an empty body", "\r\n", "", 0, "the body is empty" },
        { "no UNT before the next UNH", GateIn.Replace("UNT+7+1'", "", StringComparison.Ordinal), "UNZ", 8, "message 1 has no UNT" },
        { "a segment after UNZ", GateIn + "UNH+2+CODECO:D:95B:UN'", "UNH", 10, "after UNZ" },
        { "a segment outside any message", GateIn.Replace("UNH+1+", "DTM+137:202011300720:203'UNH+1+", StringComparison.Ordinal), "DTM", 2, "outside any message" },
        { "a syntax level not read", GateIn.Replace("UNOA:2", "UNOW:4", StringComparison.Ordinal), "UNB", 1, "UNOW is not read" },
        { "a separator that needed releasing", GateIn.Replace("BGM+34+BJT-GI-0001+9'", "BGM+34+BJT'GI+9'", StringComparison.Ordinal), "", 4, "is not a segment tag" },
        { "a message without its type", GateIn.Replace("UNH+1+CODECO:D:95B:UN:ITG14", "UNH+1", StringComparison.Ordinal), "UNH", 2, "message type (S009/0065" },
        { "a reference of 15 characters", GateIn.Replace("BJT20113001", "BJT201130011234", StringComparison.Ordinal), "UNB", 1, "15 characters, at most 14" },
        { "UNA without its characters", "UNA:+", "UNA", 0, "six service characters" },
        { "UNA with a letter for a separator", "UNA:X.? '" + GateIn, "UNA", 0, "cannot be a letter" },
    };

    [Theory]
    [MemberData(nameof(BrokenInterchanges))]
    public void A_broken_interchange_is_refused_naming_the_segment_and_its_position(string what, string text, string tag, int position, string problem)
    {
        var error = Assert.Throws<EdifactSyntaxException>(() => Interchange.Read(text));

        Assert.True(error.Message.Contains(problem, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Equal(tag.Length == 0 ? null : tag, error.Tag);
        Assert.Equal(position, error.Position);
        if (position > 0)
        {
            Assert.StartsWith($"segment {position} ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_line_of_the_segment_is_named_when_segments_are_one_per_line()
    {
        var error = Assert.Throws<EdifactSyntaxException>(() => Interchange.Read(GateIn.Replace("UNT+7+1", "UNT+6+1", StringComparison.Ordinal)));

        Assert.Equal(8, error.Line);
        Assert.StartsWith("segment 8 (UNT, line 8): ", error.Message, StringComparison.Ordinal);
    }

    private static string Describe(Interchange interchange) =>
        $"{interchange.Sender}/{interchange.Reference}: " + string.Join(" ", interchange.Messages.SelectMany(m => m.Segments).Select(s =>
            s.Tag + "=" + string.Join("+", s.Elements.Select(e => string.Join(":", e.Components)))));
}
