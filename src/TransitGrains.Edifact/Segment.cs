namespace TransitGrains.Edifact;

/// <summary>
/// One data element of a segment: a simple one is one component, a composite several; in syntax version 4 it may be
/// repeated. Every element has at least one repetition, and every repetition at least one component (which may be
/// empty: <c>A++C</c> has an empty second element).
/// </summary>
public sealed class DataElement
{
    public DataElement(IReadOnlyList<IReadOnlyList<string>> repetitions)
    {
        ArgumentNullException.ThrowIfNull(repetitions);
        if (repetitions.Count == 0 || repetitions.Any(r => r.Count == 0))
        {
            throw new ArgumentException("a data element has at least one repetition of at least one component", nameof(repetitions));
        }

        Repetitions = repetitions;
    }

    public DataElement(params string[] components)
        : this([components])
    {
    }

    public IReadOnlyList<IReadOnlyList<string>> Repetitions { get; }

    /// <summary>The components of the first (usually the only) repetition.</summary>
    public IReadOnlyList<string> Components => Repetitions[0];

    /// <summary>The first repetition's component at <paramref name="index"/>; null when it is missing or empty.</summary>
    public string? Component(int index) => index < Components.Count && Components[index].Length > 0 ? Components[index] : null;
}

/// <summary>
/// A segment as read: its tag (<c>EQD</c>), its data elements after the tag, and where it was in the interchange, so that
/// an error can name it. Data is as sent, with release characters removed.
/// </summary>
public sealed class Segment
{
    public Segment(string tag, IReadOnlyList<DataElement> elements, int position = 0, int line = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(elements);
        Tag = tag;
        Elements = elements;
        Position = position;
        Line = line;
    }

    public string Tag { get; }

    public IReadOnlyList<DataElement> Elements { get; }

    /// <summary>The segment's number in its interchange, counting from 1 for <c>UNB</c> (a <c>UNA</c> is not a segment); 0 when not read.</summary>
    public int Position { get; }

    /// <summary>The line it starts on, from 1; 0 when not read.</summary>
    public int Line { get; }

    /// <summary>A segment of simple and composite elements, each given as its components (one repetition each).</summary>
    public static Segment Of(string tag, params string[][] elements) => new(tag, elements.Select(e => new DataElement(e)).ToList());

    /// <summary>The element at <paramref name="element"/> (0 is the first after the tag), or null when the segment has fewer.</summary>
    public DataElement? Element(int element) => element < Elements.Count ? Elements[element] : null;

    /// <summary>A component of an element's first repetition; null when missing or empty.</summary>
    public string? Value(int element, int component = 0) => Element(element)?.Component(component);

    /// <summary>How an error names it: "segment 12 (EQD, line 12)".</summary>
    public string Describe() => Position > 0 ? $"segment {Position} ({Tag}{(Line > 0 ? $", line {Line}" : "")})" : Tag;

    public override string ToString() => Describe();
}
