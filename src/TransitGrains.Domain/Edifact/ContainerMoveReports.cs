using System.Text;
using NodaTime.Text;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Edifact;

namespace TransitGrains.Domain.Edifact;

/// <summary>
/// One <c>EQD+CN</c> group read as one of our events. <see cref="Submission"/> is validated like a JSON event;
/// when the group cannot become one (no place, no time), <see cref="Error"/> says why and names the field.
/// </summary>
public sealed record ReportedMove(string EventId, EventSubmission? Submission, string? Error);

/// <summary>One message of the interchange: its moves, or, when the message is not read, why (<see cref="Rejection"/>).</summary>
public sealed record MoveReport(string MessageReference, string Type, string? Rejection, IReadOnlyList<ReportedMove> Moves);

/// <summary>
/// Terminals' container movement reports, as the SMDG and ITIGG message guides give them (D.95B; later directories
/// read the same): <c>CODECO</c> gate-in (<c>BGM+34</c>) and gate-out (<c>BGM+36</c>), <c>COARRI</c> discharge
/// (<c>BGM+44</c>) and loading (<c>BGM+46</c>). Each <c>EQD+CN</c> group is one event; what it does not say itself
/// (place, time, conveyance) it takes from the message's segments before the first <c>EQD</c>.
/// </summary>
public static class ContainerMoveReports
{
    public const string Codeco = "CODECO";
    public const string Coarri = "COARRI";

    /// <summary>What each message type reads: its document codes, and the qualifiers of its place and time.</summary>
    private sealed record MessageRules(IReadOnlyDictionary<string, EventCode> Documents, Func<EventCode, string> PlaceQualifier, string TimeQualifier);

    private static readonly Dictionary<string, MessageRules> Rules = new(StringComparer.Ordinal)
    {
        // CODECO: LOC+165 is the terminal's place, DTM+7 when the move took effect.
        [Codeco] = new(new Dictionary<string, EventCode> { ["34"] = EventCode.GTIN, ["36"] = EventCode.GTOT }, _ => "165", "7"),
        // COARRI: LOC+9 port of loading for a load, LOC+11 port of discharge for a discharge; DTM+203 execution.
        [Coarri] = new(new Dictionary<string, EventCode> { ["44"] = EventCode.DISC, ["46"] = EventCode.LOAD },
            code => code == EventCode.LOAD ? "9" : "11", "203"),
    };

    /// <summary>The transport stages a conveyance is taken from: main carriage, pre-carriage, on-carriage.</summary>
    private static readonly string[] TransportStages = ["20", "1", "10", "30"];

    /// <summary>UN/ECE Recommendation 19 modes of transport (8067) that a leg can be booked on.</summary>
    private static readonly Dictionary<string, TransportMode> Modes = new(StringComparer.Ordinal)
    {
        ["1"] = TransportMode.VESSEL,
        ["2"] = TransportMode.RAIL,
        ["3"] = TransportMode.TRUCK,
        ["8"] = TransportMode.BARGE,
    };

    public static IReadOnlyList<MoveReport> Read(Interchange interchange) =>
        interchange.Messages.Select(m => Read(interchange, m)).ToList();

    public static MoveReport Read(Interchange interchange, Message message)
    {
        var type = message.Identifier.Type;
        if (!Rules.TryGetValue(type, out var rules))
        {
            return Rejected(message, $"message type {type} is not read: send {Codeco} (gate-in, gate-out) or {Coarri} (discharge, loading)");
        }

        if (message.Identifier.Version != "D" || !IsReadRelease(message.Identifier.Release))
        {
            return Rejected(message, $"{type} {message.Identifier.Version}:{message.Identifier.Release} is not read: send directory D.95B or later");
        }

        var bgm = message.Segments.FirstOrDefault(s => s.Tag == "BGM");
        var document = bgm?.Value(0);
        if (document is null || !rules.Documents.TryGetValue(document, out var code))
        {
            return Rejected(message, $"{type}: document code (BGM/1001) {document ?? "(none)"} is not read: send "
                + string.Join(" or ", rules.Documents.Select(d => $"{d.Key} ({d.Value})")));
        }

        if (bgm!.Value(2) == "1")
        {
            return Rejected(message, $"{type}: a cancellation (BGM/1225 = 1) is not read: an event once recorded stays; report the move that followed");
        }

        var header = message.Segments.TakeWhile(s => s.Tag != "EQD").ToList();
        var moves = new List<ReportedMove>();
        foreach (var group in EquipmentGroups(message.Segments))
        {
            var eventId = $"{interchange.Sender}:{interchange.Reference}:{message.Reference}:{moves.Count + 1}";
            moves.Add(Move(eventId, code, rules, group, header));
        }

        return new MoveReport(message.Reference, type, null, moves);
    }

    private static MoveReport Rejected(Message message, string why) => new(message.Reference, message.Identifier.Type, why, []);

    /// <summary>D.95B and later: 95B–99B, then the 00A… directories.</summary>
    private static bool IsReadRelease(string release) =>
        release.Length == 3 && int.TryParse(release[..2], out var year) && char.IsAsciiLetterUpper(release[2])
        && (year < 90 || year > 95 || (year == 95 && release[2] >= 'B'));

    /// <summary>Each <c>EQD+CN</c> and the segments after it up to the next <c>EQD</c> or <c>CNT</c>; other equipment (chassis, trailers) is no event.</summary>
    private static IEnumerable<IReadOnlyList<Segment>> EquipmentGroups(IReadOnlyList<Segment> segments)
    {
        List<Segment>? group = null;
        foreach (var segment in segments)
        {
            if (segment.Tag is "EQD" or "CNT")
            {
                if (group is not null)
                {
                    yield return group;
                }

                group = segment.Tag == "EQD" && segment.Value(0) == "CN" ? [segment] : null;
            }
            else
            {
                group?.Add(segment);
            }
        }

        if (group is not null)
        {
            yield return group;
        }
    }

    private static ReportedMove Move(string eventId, EventCode code, MessageRules rules, IReadOnlyList<Segment> group, IReadOnlyList<Segment> header)
    {
        var equipment = group[0];
        var placeQualifier = rules.PlaceQualifier(code);
        var place = Qualified(group, "LOC", placeQualifier) ?? Qualified(header, "LOC", placeQualifier);
        if (place?.Value(1) is not { } placeCode)
        {
            return new ReportedMove(eventId, null, $"location: no LOC+{placeQualifier} with a UN/LOCODE in the group or the message header");
        }

        if (!UnLocode.TryParse(placeCode, out var location))
        {
            return new ReportedMove(eventId, null, $"location: LOC+{placeQualifier} {placeCode} (at {place.Describe()}) is not a known place: {UnLocode.FormatDescription}");
        }

        var timeSegment = Qualified(group, "DTM", rules.TimeQualifier) ?? Qualified(header, "DTM", rules.TimeQualifier);
        if (timeSegment?.Value(0, 1) is not { } timeText)
        {
            return new ReportedMove(eventId, null, $"eventDateTime: no DTM+{rules.TimeQualifier} in the group or the message header");
        }

        var (time, timeProblem) = EdifactTime.Read(timeText, timeSegment.Value(0, 2), LocationZones.ZoneOf(location));
        if (time is null)
        {
            return new ReportedMove(eventId, null, $"eventDateTime: DTM+{rules.TimeQualifier} at {timeSegment.Describe()}: {timeProblem}");
        }

        var (mode, conveyance) = ConveyanceOf(group) ?? ConveyanceOf(header) ?? (null, null);
        return new ReportedMove(eventId, new EventSubmission(
            eventId,
            nameof(EventType.EQUIPMENT),
            code.ToString(),
            nameof(EventClassifier.ACT),
            OffsetDateTimePattern.Rfc3339.Format(time.Value),
            location.Value,
            place.Value(2),
            mode?.ToString(),
            conveyance,
            equipment.Value(1),
            null,
            equipment.Value(5) switch
            {
                "4" => nameof(EmptyIndicator.EMPTY),
                "5" => nameof(EmptyIndicator.LADEN),
                _ => null,
            }), null);
    }

    private static Segment? Qualified(IReadOnlyList<Segment> segments, string tag, string qualifier) =>
        segments.FirstOrDefault(s => s.Tag == tag && s.Value(0) == qualifier);

    /// <summary>
    /// The conveyance of the first <c>TDT</c> of a transport stage whose mode is one a leg is booked on: the transport
    /// means' name (8212) and the conveyance reference (8028), e.g. <c>COSCO PRIDE</c> and <c>147W</c> → <c>COSCOPRIDE-147W</c>.
    /// </summary>
    private static (TransportMode? Mode, string? Conveyance)? ConveyanceOf(IReadOnlyList<Segment> segments)
    {
        foreach (var tdt in segments.Where(s => s.Tag == "TDT" && TransportStages.Contains(s.Value(0))))
        {
            if (tdt.Value(2) is not { } modeCode || !Modes.TryGetValue(modeCode, out var mode))
            {
                continue;
            }

            var name = Identifier(tdt.Value(7, 3));
            var reference = Identifier(tdt.Value(1));
            var conveyance = (name, reference) switch
            {
                ({ Length: > 0 }, { Length: > 0 }) => $"{name}-{reference}",
                ({ Length: > 0 }, _) => name,
                (_, { Length: > 0 }) => reference,
                _ => null,
            };
            return (mode, conveyance);
        }

        return null;
    }

    /// <summary>Upper case, only <c>A-Z 0-9 - _ .</c>: what a conveyance id may hold.</summary>
    private static string Identifier(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var id = new StringBuilder(text.Length);
        foreach (var c in text.ToUpperInvariant())
        {
            if (c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.')
            {
                id.Append(c);
            }
        }

        return id.ToString();
    }
}
