namespace TransitGrains.Edifact;

/// <summary>
/// The interchange breaks the syntax (ISO 9735): what is wrong and the segment where it was found, by tag, number
/// and line, so that the sender can find it.
/// </summary>
public sealed class EdifactSyntaxException : Exception
{
    public EdifactSyntaxException(string problem, string? tag, int position, int line)
        : base(Format(problem, tag, position, line))
    {
        Problem = problem;
        Tag = tag;
        Position = position;
        Line = line;
    }

    public EdifactSyntaxException(string problem, Segment segment)
        : this(problem, segment?.Tag, segment?.Position ?? 0, segment?.Line ?? 0)
    {
    }

    public EdifactSyntaxException()
        : this("the interchange is not valid EDIFACT", null, 0, 0)
    {
    }

    public EdifactSyntaxException(string message)
        : this(message, null, 0, 0)
    {
    }

    public EdifactSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>What is wrong, without where.</summary>
    public string Problem { get; }

    /// <summary>The tag of the segment where it was found, when it has one.</summary>
    public string? Tag { get; }

    /// <summary>That segment's number in the interchange (UNB is 1); 0 before the first segment.</summary>
    public int Position { get; }

    /// <summary>The line that segment starts on, from 1; 0 when unknown.</summary>
    public int Line { get; }

    private static string Format(string problem, string? tag, int position, int line)
    {
        if (position == 0)
        {
            return problem;
        }

        var where = tag is null ? $"segment {position}" : $"segment {position} ({tag}";
        where += line > 0 ? $"{(tag is null ? " (" : ", ")}line {line})" : tag is null ? "" : ")";
        return $"{where}: {problem}";
    }
}
