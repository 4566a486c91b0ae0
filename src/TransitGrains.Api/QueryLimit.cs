using System.Globalization;

namespace TransitGrains.Api;

/// <summary>A <c>limit=</c> query parameter: how many items a page holds.</summary>
internal static class QueryLimit
{
    /// <summary>
    /// Reads <paramref name="text"/> as a whole number from 1 to <paramref name="max"/>; <paramref name="fallback"/> when
    /// it is missing. False when it is present and not such a number.
    /// </summary>
    public static bool TryRead(string? text, int fallback, int max, out int limit)
    {
        limit = fallback;
        return text is null
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max);
    }
}
