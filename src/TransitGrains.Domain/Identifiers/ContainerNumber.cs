using System.Diagnostics.CodeAnalysis;
using Orleans;

namespace TransitGrains.Domain.Identifiers;

/// <summary>An ISO 6346 container number: owner code, category (U, J or Z), serial and check digit.</summary>
[GenerateSerializer, Immutable]
public readonly record struct ContainerNumber
{
    /// <summary>The shape <see cref="TryParse"/> accepts, as a regular expression (it checks the check digit too).</summary>
    public const string Pattern = "^[A-Z]{3}[UJZ][0-9]{7}$";

    private ContainerNumber(string value) => Value = value;

    [Id(0)] public string Value { get; }

    public override string ToString() => Value;

    public static bool TryParse([NotNullWhen(true)] string? text, out ContainerNumber number, out string? error)
    {
        number = default;
        error = Describe(text);
        if (error is not null)
        {
            return false;
        }

        number = new ContainerNumber(text!);
        return true;
    }

    public static ContainerNumber Parse(string text) =>
        TryParse(text, out var number, out var error) ? number : throw new FormatException(error);

    /// <summary>Why <paramref name="text"/> is not a valid container number, or null when it is.</summary>
    private static string? Describe(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length != 11)
        {
            return "a container number has 11 characters: owner code, category, 6-digit serial, check digit (e.g. CSQU3054383)";
        }

        for (var i = 0; i < 4; i++)
        {
            if (text[i] is < 'A' or > 'Z')
            {
                return "a container number starts with 4 capital letters";
            }
        }

        if (text[3] is not ('U' or 'J' or 'Z'))
        {
            return "the category letter (4th character) must be U, J or Z";
        }

        for (var i = 4; i < 11; i++)
        {
            if (text[i] is < '0' or > '9')
            {
                return "characters 5 to 11 of a container number are digits";
            }
        }

        var expected = CheckDigit(text.AsSpan(0, 10));
        return text[10] - '0' == expected ? null : $"check digit is {text[10]}, expected {expected}";
    }

    /// <summary>ISO 6346 check digit of the first ten characters: weighted sum mod 11, then mod 10.</summary>
    public static int CheckDigit(ReadOnlySpan<char> firstTen)
    {
        var sum = 0;
        for (var i = 0; i < firstTen.Length; i++)
        {
            sum += CharacterValue(firstTen[i]) << i;
        }

        return sum % 11 % 10;
    }

    /// <summary>Letters count from A=10 upwards, skipping the multiples of 11 (11, 22, 33).</summary>
    private static int CharacterValue(char c)
    {
        if (c is >= '0' and <= '9')
        {
            return c - '0';
        }

        var value = 10 + (c - 'A');
        value += (value - 1) / 10; // each multiple of 11 already passed shifts the letter up by one
        return value;
    }
}
