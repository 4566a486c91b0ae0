namespace TransitGrains.Edifact;

/// <summary>
/// Splits an interchange's text into segments: an optional <c>UNA</c> first (which names the service characters), then
/// segments each ended by the segment terminator, on one line or one per line (line breaks between segments are not
/// data), elements split by the element separator, components by the component separator, repetitions by the repetition
/// separator, and the release character making the character after it data.
/// </summary>
public sealed class SegmentReader
{
    private readonly string _text;
    private SyntaxLevel? _level;
    private int _offset;
    private int _line = 1;
    private int _position;

    public SegmentReader(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
        SkipLeadingSpace();
        if (string.CompareOrdinal(_text, _offset, "UNA", 0, 3) == 0)
        {
            if (_text.Length < _offset + 9)
            {
                throw new EdifactSyntaxException("UNA is followed by its six service characters (e.g. UNA:+.? ')", "UNA", 0, _line);
            }

            var advice = _text.AsSpan(_offset + 3, 6);
            Characters = new ServiceCharacters(
                advice[0], advice[1], advice[2], advice[3] == ' ' ? null : advice[3], advice[4] == ' ' ? null : advice[4], advice[5]);
            HasAdvice = true;
            if (Characters.Problem() is { } problem)
            {
                throw new EdifactSyntaxException($"UNA{advice}: {problem}", "UNA", 0, _line);
            }

            _offset += 9;
        }
        else
        {
            Characters = ServiceCharacters.Default;
        }
    }

    /// <summary>The service characters in force: the <c>UNA</c>'s, else the defaults (with a repetition separator once <see cref="UseRepetition"/> says so).</summary>
    public ServiceCharacters Characters { get; private set; }

    /// <summary>Whether the interchange opened with a <c>UNA</c>.</summary>
    public bool HasAdvice { get; }

    /// <summary>
    /// Takes <paramref name="separator"/> as the repetition separator from here on, when no <c>UNA</c> named the service
    /// characters: syntax version 4 repeats with <c>*</c> by default, which only its <c>UNB</c> says.
    /// </summary>
    public void UseRepetition(char separator)
    {
        if (!HasAdvice)
        {
            Characters = Characters with { Repetition = separator };
        }
    }

    /// <summary>
    /// Holds the data from here on to what <paramref name="level"/> can carry, once the <c>UNB</c> has declared it (before,
    /// everything up to Latin-1). UNOA and UNOB are both read as ISO 646's printable characters: UNOA has no lower-case
    /// letters, but senders declaring it often use them, and they are read as sent.
    /// </summary>
    public void Restrict(SyntaxLevel level) => _level = level;

    /// <summary>Throws when <paramref name="segment"/> (read before <see cref="Restrict"/>) holds data its level cannot carry.</summary>
    public void CheckRepertoire(Segment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        foreach (var ch in segment.Elements.SelectMany(e => e.Repetitions).SelectMany(r => r).SelectMany(c => c))
        {
            CheckCharacter(ch, segment.Tag, segment.Position, segment.Line);
        }
    }

    /// <summary>The next segment, or null at the end of the text (only line breaks and spaces left).</summary>
    /// <summary>The segment <see cref="Next"/> read last, to name where an interchange that ends too early ends.</summary>
    public Segment? Last { get; private set; }

    public Segment? Next()
    {
        SkipBetweenSegments();
        if (_offset >= _text.Length)
        {
            return null;
        }

        var c = Characters;
        var position = ++_position;
        var line = _line;
        var elements = new List<DataElement>(8);
        var repetitions = new List<IReadOnlyList<string>>(1);
        var components = new List<string>(4);
        var start = _offset;
        var dirty = false; // whether the component being read holds release characters or line breaks, to be removed
        string? tag = null;
        for (var i = _offset; i < _text.Length; i++)
        {
            var ch = _text[i];
            if (ch == c.Release)
            {
                if (i + 1 >= _text.Length)
                {
                    throw new EdifactSyntaxException(
                        $"the release character {ch} is the last character of the interchange: it releases nothing, and the segment is not terminated",
                        tag ?? Tag(start, i), position, line);
                }

                CheckCharacter(_text[++i], tag ?? Tag(start, i), position, line);
                dirty = true;
                continue;
            }

            if (ch != c.Component && ch != c.Element && ch != c.Segment && ch != c.Repetition)
            {
                // Line breaks are never data: an interchange may be wrapped at any width, as well as broken after each segment.
                if (ch is '\n' or '\r')
                {
                    _line += ch == '\n' ? 1 : 0;
                    dirty = true;
                }
                else
                {
                    CheckCharacter(ch, tag ?? Tag(start, i), position, line);
                }

                continue;
            }

            if (ch == '\n')
            {
                _line++;
            }

            components.Add(Data(start, i, dirty));
            dirty = false;
            start = i + 1;
            if (ch == c.Component)
            {
                continue;
            }

            repetitions.Add(components);
            components = new List<string>(4);
            if (ch == c.Repetition)
            {
                continue;
            }

            if (tag is null)
            {
                tag = TagOf(repetitions, position, line);
            }
            else
            {
                elements.Add(new DataElement(repetitions));
            }

            repetitions = new List<IReadOnlyList<string>>(1);
            if (ch == c.Segment)
            {
                _offset = i + 1;
                return Last = new Segment(tag, elements, position, line);
            }
        }

        var releasedEnd = _text.Length >= 2 && _text[^1] == c.Segment && _text[^2] == c.Release;
        throw new EdifactSyntaxException(
            releasedEnd
                ? $"the interchange ends inside this segment: its last {c.Segment} is released by {c.Release}, so it is data, not the terminator"
                : $"the interchange ends inside this segment: it is not terminated by {c.Segment}",
            tag ?? Tag(start, _text.Length), position, line);
    }

    private void CheckCharacter(char ch, string? tag, int position, int line)
    {
        var allowed = ch is >= ' ' and <= '~' || (_level is null or SyntaxLevel.UNOC && ch is >= '\u00A0' and <= '\u00FF');
        if (!allowed)
        {
            var level = _level?.ToString() ?? "UNOC";
            throw new EdifactSyntaxException(
                $"the character '{ch}' (U+{(int)ch:X4}) is outside {level}'s repertoire"
                    + (level == "UNOC" ? " (ISO 8859-1, without control characters)" : "; declare UNOC for Latin-1 letters"),
                tag, position, line);
        }
    }

    private string TagOf(List<IReadOnlyList<string>> repetitions, int position, int line)
    {
        var tag = repetitions[0][0];
        if (tag.Length != 3 || !tag.All(ch => ch is >= 'A' and <= 'Z' or >= '0' and <= '9'))
        {
            throw new EdifactSyntaxException(
                $"'{Shorten(tag)}' is not a segment tag (three capital letters or digits); a separator or terminator may be missing its release character",
                null, position, line);
        }

        return tag;
    }

    /// <summary>Text between separators as data: release characters removed (each releases the character after it), and line breaks.</summary>
    private string Data(int start, int end, bool dirty)
    {
        if (!dirty)
        {
            return _text.Substring(start, end - start);
        }

        var data = new System.Text.StringBuilder(end - start);
        for (var i = start; i < end; i++)
        {
            var ch = _text[i];
            if (ch == Characters.Release)
            {
                data.Append(_text[++i]);
            }
            else if (ch is not ('\n' or '\r'))
            {
                data.Append(ch);
            }
        }

        return data.ToString();
    }

    /// <summary>The tag of a segment that breaks off before its first separator, for the error that names it.</summary>
    private string? Tag(int start, int end) => end - start >= 3 ? _text.Substring(start, 3) : null;

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";

    /// <summary>A byte order mark and white space before the interchange are not part of it.</summary>
    private void SkipLeadingSpace()
    {
        while (_offset < _text.Length && (_text[_offset] is '\uFEFF' or ' ' or '\t' || _text[_offset] is '\r' or '\n'))
        {
            if (_text[_offset++] == '\n')
            {
                _line++;
            }
        }
    }

    /// <summary>Line breaks (and spaces or tabs around them) after a terminator, before the next segment; with a line break as terminator, empty lines.</summary>
    private void SkipBetweenSegments()
    {
        while (_offset < _text.Length)
        {
            var ch = _text[_offset];
            if (ch is not ('\r' or '\n' or ' ' or '\t'))
            {
                return;
            }

            if (ch == '\n')
            {
                _line++;
            }

            _offset++;
        }
    }
}
