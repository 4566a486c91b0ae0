namespace TransitGrains.Domain.Validation;

/// <summary>Enum values travel as their exact UPPER_CASE names; numbers and other casings are refused.</summary>
public static class EnumText
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        // Exactly one member name: Enum.TryParse alone would also take numbers, padding, and "A,B" (read as A|B).
        return text is not null && Enum.GetNames<T>().Contains(text, StringComparer.Ordinal)
            && Enum.TryParse(text, ignoreCase: false, out value);
    }

    public static string Choices<T>() where T : struct, Enum => $"one of {string.Join(", ", Enum.GetNames<T>())}";
}
