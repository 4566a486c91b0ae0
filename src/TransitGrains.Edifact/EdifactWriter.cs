using System.Globalization;
using System.Text;

namespace TransitGrains.Edifact;

/// <summary>
/// Writes segments in an interchange's syntax: each data character that is also a service character released, elements,
/// repetitions and components joined by their separators, each segment ended by the terminator (and a line break, if
/// asked for). What <see cref="SegmentReader"/> reads back is what was written.
/// </summary>
public sealed class EdifactWriter(ServiceCharacters characters, string lineBreak = "")
{
    private readonly StringBuilder _text = new();

    public ServiceCharacters Characters { get; } = characters;

    /// <summary>Starts with the <c>UNA</c> service string advice (needed whenever the characters are not the defaults).</summary>
    public EdifactWriter Advice()
    {
        _text.Append(Characters.ToAdvice()).Append(lineBreak);
        return this;
    }

    public EdifactWriter Write(Segment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        _text.Append(segment.Tag);
        foreach (var element in segment.Elements)
        {
            _text.Append(Characters.Element);
            for (var r = 0; r < element.Repetitions.Count; r++)
            {
                if (r > 0)
                {
                    _text.Append(Characters.Repetition
                        ?? throw new InvalidOperationException("a repeated data element needs a repetition separator (syntax version 4)"));
                }

                var components = element.Repetitions[r];
                for (var c = 0; c < components.Count; c++)
                {
                    if (c > 0)
                    {
                        _text.Append(Characters.Component);
                    }

                    Data(components[c]);
                }
            }
        }

        _text.Append(Characters.Segment).Append(lineBreak);
        return this;
    }

    public EdifactWriter Write(IEnumerable<Segment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        foreach (var segment in segments)
        {
            Write(segment);
        }

        return this;
    }

    public override string ToString() => _text.ToString();

    /// <summary>
    /// A whole interchange: <c>UNA</c> when the characters are not the defaults, <c>UNB</c>, each message between its
    /// <c>UNH</c> and a <c>UNT</c> that counts it, and the <c>UNZ</c> that counts them.
    /// </summary>
    /// <param name="unb">The UNB's elements after the syntax identifier, sender and recipient: preparation date/time (S004), then the reference (0020) and any others.</param>
    public static string Interchange(
        ServiceCharacters characters, SyntaxLevel level, string sender, string recipient, string[] preparedAt, string reference,
        IEnumerable<(string Reference, MessageIdentifier Identifier, IReadOnlyList<Segment> Body)> messages, string lineBreak = "")
    {
        ArgumentNullException.ThrowIfNull(messages);
        var writer = new EdifactWriter(characters, lineBreak);
        if (characters != ServiceCharacters.Default)
        {
            writer.Advice();
        }

        var version = characters.Repetition is null ? "3" : "4";
        writer.Write(Segment.Of("UNB", [level.ToString(), version], [sender], [recipient], preparedAt, [reference]));
        var count = 0;
        foreach (var (messageReference, id, body) in messages)
        {
            string[] identifier = id.Association is null ? [id.Type, id.Version, id.Release, id.Agency] : [id.Type, id.Version, id.Release, id.Agency, id.Association];
            writer.Write(Segment.Of("UNH", [messageReference], identifier))
                .Write(body)
                .Write(Segment.Of("UNT", [Number(body.Count + 2)], [messageReference]));
            count++;
        }

        return writer.Write(Segment.Of("UNZ", [Number(count)], [reference])).ToString();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void Data(string data)
    {
        foreach (var ch in data)
        {
            if (Characters.IsService(ch))
            {
                _text.Append(Characters.Release
                    ?? throw new InvalidOperationException($"'{ch}' is a service character and there is no release character to write it as data"));
            }

            _text.Append(ch);
        }
    }
}
