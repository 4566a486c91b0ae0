namespace TransitGrains.Edifact;

/// <summary>
/// The characters that give an interchange its structure (ISO 9735): they separate components, data elements and
/// repetitions, end segments, and release the next character so that it is read as data. <c>UNA</c> may redefine
/// them; without it the defaults apply, <c>:+.? '</c>.
/// </summary>
/// <param name="Repetition">Only syntax version 4 repeats data elements; null when the interchange has no repetition separator.</param>
/// <param name="Release">Null when the interchange has no release character (a space in its <c>UNA</c>).</param>
public readonly record struct ServiceCharacters(char Component, char Element, char DecimalMark, char? Release, char? Repetition, char Segment)
{
    /// <summary><c>UNA:+.? '</c>: what an interchange without <c>UNA</c> uses up to syntax version 3.</summary>
    public static readonly ServiceCharacters Default = new(':', '+', '.', '?', null, '\'');

    /// <summary>The default repetition separator of syntax version 4, used when no <c>UNA</c> names another.</summary>
    public const char DefaultRepetition = '*';

    /// <summary>Whether <paramref name="c"/> separates or ends something, or releases: what a writer must release in data.</summary>
    public bool IsService(char c) => c == Component || c == Element || c == Segment || c == Release || c == Repetition;

    /// <summary>The <c>UNA</c> service string advice that declares these characters (a space where one is not used).</summary>
    public string ToAdvice() => $"UNA{Component}{Element}{DecimalMark}{Release ?? ' '}{Repetition ?? ' '}{Segment}";

    /// <summary>
    /// Why these characters cannot structure an interchange, or null when they can: the separators, the release
    /// character and the terminator must differ from each other and be neither letters, digits nor spaces (which data
    /// and tags are made of).
    /// </summary>
    public string? Problem()
    {
        char?[] used = [Component, Element, Release, Repetition, Segment];
        var given = used.OfType<char>().ToList();
        if (given.Distinct().Count() != given.Count)
        {
            return "the separators, the release character and the segment terminator must all differ";
        }

        return given.Any(c => char.IsLetterOrDigit(c) || c == ' ')
            ? "a separator, release character or segment terminator cannot be a letter, a digit or a space"
            : null;
    }
}
