using NodaTime;
using NodaTime.Text;

namespace TransitGrains.Domain.Validation;

/// <summary>Times travel as ISO-8601 with an offset; a time without one is ambiguous and refused.</summary>
public static class TimeText
{
    private static readonly OffsetDateTimePattern Pattern = OffsetDateTimePattern.ExtendedIso;

    public const string Requirement = "an ISO-8601 date and time with a UTC offset, e.g. 2020-11-30T09:00:00+08:00";

    public static bool TryParse(string? text, out OffsetDateTime value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var result = Pattern.Parse(text);
        if (!result.Success)
        {
            return false;
        }

        value = result.Value;
        return true;
    }

    public static string Format(OffsetDateTime value) => Pattern.Format(value);
}
