using System.Globalization;

namespace TransitGrains.Edifact;

/// <summary>The character repertoire an interchange declares in its <c>UNB</c> (syntax identifier, S001/0001).</summary>
public enum SyntaxLevel
{
    /// <summary>Level A: capital letters, digits, space and a few punctuation marks (ISO 646 subset).</summary>
    UNOA,

    /// <summary>Level B: level A and lower-case letters and the rest of ISO 646's printable characters.</summary>
    UNOB,

    /// <summary>Level C: ISO 8859-1 (Latin-1).</summary>
    UNOC,
}

/// <summary>What a message says it is: <c>UNH</c>'s message identifier (S009), e.g. <c>CODECO:D:95B:UN:ITG14</c>.</summary>
/// <param name="Association">The association-assigned code (0057), e.g. SMDG's or ITIGG's guide: <c>SMDG16</c>, <c>ITG14</c>.</param>
public sealed record MessageIdentifier(string Type, string Version, string Release, string Agency, string? Association)
{
    public override string ToString() => $"{Type}:{Version}:{Release}:{Agency}{(Association is null ? "" : $":{Association}")}";
}

/// <summary>One message: its reference (UNH/0062), what it is, and its segments between <c>UNH</c> and <c>UNT</c>.</summary>
/// <param name="Position">Its number in the interchange, from 1.</param>
public sealed record Message(string Reference, MessageIdentifier Identifier, IReadOnlyList<Segment> Segments, Segment Header, int Position);

/// <summary>
/// An interchange read and checked against ISO 9735's envelope: <c>UNA</c> (optional), <c>UNB</c> … <c>UNZ</c> with
/// messages <c>UNH</c> … <c>UNT</c>, optionally in functional groups <c>UNG</c> … <c>UNE</c>; every count and every
/// reference of a trailer matching its header, and every character within the declared syntax level.
/// </summary>
public sealed record Interchange(
    ServiceCharacters Characters,
    SyntaxLevel Level,
    int SyntaxVersion,
    string Sender,
    string? SenderQualifier,
    string Recipient,
    string Reference,
    IReadOnlyList<Message> Messages)
{
    /// <summary>An interchange control reference (0020) and a message reference (0062) have at most 14 characters.</summary>
    public const int MaxReferenceLength = 14;

    /// <summary>Reads <paramref name="text"/> as one interchange, or throws naming the segment where it breaks the syntax.</summary>
    /// <exception cref="EdifactSyntaxException">The text is not one interchange.</exception>
    public static Interchange Read(string text)
    {
        var reader = new SegmentReader(text);
        var header = reader.Next() ?? throw new EdifactSyntaxException("there is no interchange: the body is empty (send UNA optionally, then UNB … UNZ)");
        if (header.Tag != "UNB")
        {
            throw new EdifactSyntaxException("an interchange starts with UNB (after an optional UNA)", header);
        }

        var (level, version) = SyntaxOf(header);
        reader.Restrict(level);
        reader.CheckRepertoire(header);
        if (version >= 4)
        {
            reader.UseRepetition(ServiceCharacters.DefaultRepetition);
        }

        var sender = Required(header, 1, 0, "the sender's identification (S002/0004)");
        var recipient = Required(header, 2, 0, "the recipient's identification (S003/0010)");
        var reference = ReferenceOf(header, 4, "the interchange control reference (0020)");

        var messages = new List<Message>();
        var groups = 0;
        Segment? trailer = null;
        for (var segment = reader.Next(); segment is not null; segment = reader.Next())
        {
            switch (segment.Tag)
            {
                case "UNH":
                    messages.Add(ReadMessage(reader, segment, messages.Count + 1));
                    break;
                case "UNG":
                    groups++;
                    ReadGroup(reader, segment, messages);
                    break;
                case "UNZ":
                    trailer = segment;
                    break;
                default:
                    throw new EdifactSyntaxException("outside any message: a segment between messages must be UNH, UNG or UNZ", segment);
            }

            if (trailer is not null)
            {
                break;
            }
        }

        if (trailer is null)
        {
            throw new EdifactSyntaxException($"the interchange {reference} ends here, without its UNZ trailer", reader.Last!);
        }

        if (reader.Next() is { } after)
        {
            throw new EdifactSyntaxException("after UNZ: an interchange ends with its UNZ (send one interchange per request)", after);
        }

        // ISO 9735: UNZ counts the functional groups when there are any, else the messages.
        var (count, counted) = groups > 0 ? (groups, "functional groups") : (messages.Count, "messages");
        CheckCount(trailer, 0, count, counted);
        CheckReference(trailer, 1, reference, "UNB");
        return new Interchange(reader.Characters, level, version, sender, header.Value(1, 1), recipient, reference, messages);
    }

    private static (SyntaxLevel Level, int Version) SyntaxOf(Segment header)
    {
        var identifier = Required(header, 0, 0, "the syntax identifier (S001/0001, e.g. UNOC)");
        if (!Enum.TryParse<SyntaxLevel>(identifier, ignoreCase: false, out var level) || !Enum.IsDefined(level))
        {
            throw new EdifactSyntaxException($"syntax identifier {identifier} is not read: send UNOA, UNOB or UNOC", header);
        }

        var versionText = Required(header, 0, 1, "the syntax version number (S001/0002)");
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version is < 1 or > 4)
        {
            throw new EdifactSyntaxException($"syntax version {versionText} is not one of 1, 2, 3, 4", header);
        }

        return (level, version);
    }

    private static void ReadGroup(SegmentReader reader, Segment header, List<Message> messages)
    {
        var reference = ReferenceOf(header, 4, "the group reference (UNG/0048)");
        var count = 0;
        for (var segment = reader.Next(); segment is not null; segment = reader.Next())
        {
            if (segment.Tag == "UNH")
            {
                messages.Add(ReadMessage(reader, segment, messages.Count + 1));
                count++;
                continue;
            }

            if (segment.Tag != "UNE")
            {
                throw new EdifactSyntaxException("inside a functional group only messages (UNH … UNT) and the group's UNE may follow", segment);
            }

            CheckCount(segment, 0, count, "messages");
            CheckReference(segment, 1, reference, "UNG");
            return;
        }

        throw new EdifactSyntaxException($"the functional group {reference} ends without its UNE", header);
    }

    private static Message ReadMessage(SegmentReader reader, Segment header, int position)
    {
        var reference = ReferenceOf(header, 0, "the message reference (UNH/0062)");
        var identifier = new MessageIdentifier(
            Required(header, 1, 0, "the message type (S009/0065, e.g. CODECO)"),
            Required(header, 1, 1, "the message version (S009/0052, e.g. D)"),
            Required(header, 1, 2, "the message release (S009/0054, e.g. 95B)"),
            Required(header, 1, 3, "the controlling agency (S009/0051, e.g. UN)"),
            header.Value(1, 4));
        var segments = new List<Segment>(64);
        for (var segment = reader.Next(); segment is not null; segment = reader.Next())
        {
            switch (segment.Tag)
            {
                case "UNT":
                    // UNT counts the message's segments, its UNH and UNT included.
                    CheckCount(segment, 0, segments.Count + 2, "segments (UNH and UNT included)");
                    CheckReference(segment, 1, reference, "UNH");
                    return new Message(reference, identifier, segments, header, position);
                case "UNH" or "UNZ" or "UNG" or "UNE" or "UNB":
                    throw new EdifactSyntaxException($"message {reference} has no UNT: {segment.Tag} comes before it", segment);
                default:
                    segments.Add(segment);
                    break;
            }
        }

        throw new EdifactSyntaxException($"the interchange ends inside message {reference}: there is no UNT", header);
    }

    private static string Required(Segment segment, int element, int component, string what) =>
        segment.Value(element, component) ?? throw new EdifactSyntaxException($"{what} is missing", segment);

    private static string ReferenceOf(Segment segment, int element, string what)
    {
        var reference = Required(segment, element, 0, what);
        return reference.Length <= MaxReferenceLength
            ? reference
            : throw new EdifactSyntaxException($"{what} has {reference.Length} characters, at most {MaxReferenceLength}", segment);
    }

    private static void CheckCount(Segment trailer, int element, int actual, string counted)
    {
        var text = Required(trailer, element, 0, $"the count of {counted}");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var stated))
        {
            throw new EdifactSyntaxException($"the count of {counted} '{text}' is not a number", trailer);
        }

        if (stated != actual)
        {
            throw new EdifactSyntaxException($"it counts {stated} {counted}, but there are {actual}", trailer);
        }
    }

    private static void CheckReference(Segment trailer, int element, string reference, string header)
    {
        var stated = Required(trailer, element, 0, $"the reference of its {header}");
        if (!string.Equals(stated, reference, StringComparison.Ordinal))
        {
            throw new EdifactSyntaxException($"its reference {stated} is not its {header}'s {reference}", trailer);
        }
    }
}
