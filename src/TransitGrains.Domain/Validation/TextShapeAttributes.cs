namespace TransitGrains.Domain.Validation;

// What a request's text field holds, said where the field is declared so that the OpenAPI document is generated from it.
// The fields stay text (the validators read them) so that a bad value is named in the answer rather than the whole
// body refused by the JSON reader.

/// <summary>The text (or, on a list, each item) is one of these values: the names of an enum, or the values given.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ChoiceOfAttribute : Attribute
{
    public ChoiceOfAttribute(Type enumType) => Values = Enum.GetNames(enumType);

    public ChoiceOfAttribute(params string[] values) => Values = values;

    public IReadOnlyList<string> Values { get; }
}

/// <summary>Each item of the list matches <see cref="Pattern"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EachMatchesAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>The text is an ISO-8601 date and time with an offset (<see cref="TimeText"/> reads it).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DateTimeTextAttribute : Attribute;
