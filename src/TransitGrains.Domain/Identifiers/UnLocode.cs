using System.Diagnostics.CodeAnalysis;
using Orleans;

namespace TransitGrains.Domain.Identifiers;

/// <summary>A UN/LOCODE: 2-letter country code and 3 characters from A–Z and 2–9 (e.g. CNNSA).</summary>
[GenerateSerializer, Immutable]
public readonly record struct UnLocode
{
    /// <summary>The shape a UN/LOCODE has, as a regular expression (for the OpenAPI document).</summary>
    public const string Pattern = "^[A-Z]{2}[A-Z2-9]{3}$";

    private UnLocode(string value) => Value = value;

    [Id(0)] public string Value { get; }

    public string Country => Value[..2];

    public override string ToString() => Value;

    public static bool TryParse([NotNullWhen(true)] string? text, out UnLocode code)
    {
        code = default;
        if (text is null || text.Length != 5)
        {
            return false;
        }

        for (var i = 0; i < 5; i++)
        {
            var c = text[i];
            var valid = c is >= 'A' and <= 'Z' || (i >= 2 && c is >= '2' and <= '9');
            if (!valid)
            {
                return false;
            }
        }

        code = new UnLocode(text);
        return true;
    }

    public static UnLocode Parse(string text) =>
        TryParse(text, out var code) ? code : throw new FormatException($"'{text}' is not a UN/LOCODE");

    public const string FormatDescription = "a UN/LOCODE is 2 capital letters (country) and 3 of A-Z or 2-9, e.g. CNNSA";
}
