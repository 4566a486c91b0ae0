namespace TransitGrains.Domain.Validation;

/// <summary>Enum values travel as their exact UPPER_CASE names; numbers and other casings are refused.</summary>
public static class EnumText
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        return text is { Length: > 0 } && !char.IsDigit(text[0]) && text[0] != '-'
            && Enum.TryParse(text, ignoreCase: false, out value) && Enum.IsDefined(value);
    }

    public static string Choices<T>() where T : struct, Enum => $"one of {string.Join(", ", Enum.GetNames<T>())}";
}
