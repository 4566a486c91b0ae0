using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TransitGrains.PortSimulator;

/// <summary>How a batch travels: as the JSON batch of <c>POST /api/v1/events</c>, or as terminals' EDIFACT.</summary>
public enum WireFormat
{
    Json,
    Edifact,
}

/// <summary>
/// Container moves written as a terminal's system writes them (UN/EDIFACT D.95B, the SMDG and ITIGG guides): gate-in
/// and gate-out as CODECO (BGM 34, 36), discharge and loading as COARRI (BGM 44, 46). One interchange per batch, one
/// message per kind of move, place, terminal and conveyance, one EQD group per container. Times go with their offset
/// (format 304), so the service reads exactly the time the plan made. Other events (transport, customs, estimates)
/// have no place in these messages and stay JSON.
/// </summary>
public static class TerminalEdi
{
    public const string Sender = "TRANSITSIM";

    private static readonly Dictionary<string, (string Message, string Document, string Place, string Time)> Kinds = new(StringComparer.Ordinal)
    {
        ["GTIN"] = ("CODECO", "34", "165", "7"),
        ["GTOT"] = ("CODECO", "36", "165", "7"),
        ["DISC"] = ("COARRI", "44", "11", "203"),
        ["LOAD"] = ("COARRI", "46", "9", "203"),
    };

    private static readonly Dictionary<string, string> ModeCodes = new(StringComparer.Ordinal)
    {
        ["VESSEL"] = "1",
        ["RAIL"] = "2",
        ["TRUCK"] = "3",
        ["BARGE"] = "8",
    };

    /// <summary>Whether the event is a move a terminal reports in CODECO or COARRI.</summary>
    public static bool IsContainerMove(PortEvent e) =>
        e.EventType == "EQUIPMENT" && e.Classifier == "ACT" && e.ContainerNumber is not null && Kinds.ContainsKey(e.EventCode);

    /// <summary>
    /// The interchange for <paramref name="moves"/>, and for each of its messages the moves its EQD groups stand for
    /// (indexes into <paramref name="moves"/>), in the order the service answers them. Its reference comes from the moves, so the same batch
    /// sent again is the same interchange (DUPLICATE), as when a terminal resends a file.
    /// </summary>
    public static (string Text, IReadOnlyList<IReadOnlyList<int>> Messages) Interchange(IReadOnlyList<PortEvent> moves)
    {
        var reference = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", moves.Select(m => m.EventId)))))[..14];
        var text = new StringBuilder();
        var order = new List<IReadOnlyList<int>>();
        text.Append($"UNB+UNOC:3+{Sender}+TRANSITGRAINS+{moves[0].EventDateTime.LocalDateTime.ToString("yyMMdd':'HHmm", CultureInfo.InvariantCulture)}+{reference}'\n");
        var messages = moves.Select((move, index) => (move, index))
            .GroupBy(m => (m.move.EventCode, m.move.Location, m.move.Facility, m.move.ModeOfTransport, m.move.ConveyanceId))
            .ToList();
        var number = 0;
        foreach (var message in messages)
        {
            var (type, document, placeQualifier, timeQualifier) = Kinds[message.Key.EventCode];
            var segments = new List<string>
            {
                $"BGM+{document}+{reference}-{++number}+9",
            };
            if (message.Key.ModeOfTransport is { } mode && message.Key.ConveyanceId is { } conveyance)
            {
                // The id a forwarder books is the transport means' name, '-', and the voyage or train number.
                var dash = conveyance.LastIndexOf('-');
                var (name, voyage) = dash > 0 ? (conveyance[..dash], conveyance[(dash + 1)..]) : ("", conveyance);
                segments.Add($"TDT+{(type == "COARRI" ? "20" : "1")}+{Data(voyage)}+{ModeCodes[mode]}+++++:146::{Data(name)}");
            }

            segments.Add($"LOC+{placeQualifier}+{message.Key.Location}:139:6{(message.Key.Facility is { } f ? $"+{Data(f)}:TER:ZZZ" : "")}");
            order.Add(message.Select(m => m.index).ToList());
            foreach (var (move, _) in message)
            {
                segments.Add($"EQD+CN+{move.ContainerNumber}+45G1:102:5++2+5");
                segments.Add($"DTM+{timeQualifier}:{Time(move)}:304");
            }

            segments.Add($"CNT+16:{message.Count().ToString(CultureInfo.InvariantCulture)}");
            text.Append($"UNH+{number}+{type}:D:95B:UN:SMDG16'\n");
            foreach (var segment in segments)
            {
                text.Append(segment).Append("'\n");
            }

            text.Append($"UNT+{segments.Count + 2}+{number}'\n");
        }

        text.Append($"UNZ+{messages.Count}+{reference}'\n");
        return (text.ToString(), order);
    }

    /// <summary>CCYYMMDDHHMMSS and the offset, its sign released (it is the element separator).</summary>
    private static string Time(PortEvent move)
    {
        var t = move.EventDateTime;
        var offset = t.Offset.Seconds / 60;
        return $"{t.LocalDateTime.ToString("uuuuMMddHHmmss", CultureInfo.InvariantCulture)}{(offset < 0 ? "-" : "?+")}{Math.Abs(offset) / 60:00}{Math.Abs(offset) % 60:00}";
    }

    /// <summary>Data with every service character released.</summary>
    private static string Data(string text)
    {
        var data = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\'' or '+' or ':' or '?')
            {
                data.Append('?');
            }

            data.Append(c);
        }

        return data.ToString();
    }
}
