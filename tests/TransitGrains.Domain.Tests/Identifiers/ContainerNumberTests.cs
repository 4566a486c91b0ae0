using CsCheck;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Tests.Identifiers;

public class ContainerNumberTests
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";
    private const string Alphabet = Letters + Digits;

    /// <summary>
    /// ISO 6346 letter values, written out by hand (not computed like the production code does):
    /// A=10, then upwards skipping 11, 22 and 33.
    /// </summary>
    private static readonly IReadOnlyDictionary<char, int> LetterValue = new Dictionary<char, int>
    {
        ['A'] = 10, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['G'] = 17, ['H'] = 18, ['I'] = 19,
        ['J'] = 20, ['K'] = 21, ['L'] = 23, ['M'] = 24, ['N'] = 25, ['O'] = 26, ['P'] = 27, ['Q'] = 28, ['R'] = 29,
        ['S'] = 30, ['T'] = 31, ['U'] = 32, ['V'] = 34, ['W'] = 35, ['X'] = 36, ['Y'] = 37, ['Z'] = 38,
    };

    private static int Value(char c) => c is >= '0' and <= '9' ? c - '0' : LetterValue[c];

    /// <summary>The weighted sum mod 11, before the final mod 10 folds 10 onto 0.</summary>
    private static int Remainder(string firstTen)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            sum += Value(firstTen[i]) * (1 << i);
        }

        return sum % 11;
    }

    private static bool Parses(string text) => ContainerNumber.TryParse(text, out _, out _);

    /// <summary>Random owner code, category U/J/Z, serial, and the check digit that makes them valid.</summary>
    private static readonly Gen<string> ValidNumber =
        Gen.Select(Gen.Char[Letters].Array[3], Gen.Char["UJZ"], Gen.Char[Digits].Array[6], (owner, category, serial) =>
        {
            var firstTen = new string(owner) + category + new string(serial);
            return firstTen + (char)('0' + Remainder(firstTen) % 10);
        });

    [Theory]
    [InlineData("CSQU3054383")]
    [InlineData("APZU4812090")]
    [InlineData("ZEPU0037255")]
    public void Known_valid_numbers_parse_and_keep_their_text(string text)
    {
        Assert.True(ContainerNumber.TryParse(text, out var number, out var error), error);
        Assert.Null(error);
        Assert.Equal(text, number.Value);
        Assert.Equal(text, number.ToString());
        Assert.Equal(number, ContainerNumber.Parse(text));
    }

    [Fact]
    public void MSCU6639871_has_the_wrong_check_digit()
    {
        Assert.False(ContainerNumber.TryParse("MSCU6639871", out _, out var error));
        Assert.Contains("check digit", error);
        Assert.Contains("expected 0", error);
        Assert.Equal(0, ContainerNumber.CheckDigit("MSCU663987"));
        Assert.Throws<FormatException>(() => ContainerNumber.Parse("MSCU6639871"));
    }

    [Theory]
    [InlineData("CSQU305438", 3)]
    [InlineData("APZU481209", 0)]
    [InlineData("ZEPU003725", 5)]
    public void CheckDigit_of_the_first_ten_characters(string firstTen, int expected) =>
        Assert.Equal(expected, ContainerNumber.CheckDigit(firstTen));

    // A single letter at position 0 (weight 1) with zeros elsewhere: the check digit is the letter's value mod 11 mod 10.
    // This pins the table A=10, B=12, K=21, L=23, U=32, V=34, Z=38 (multiples of 11 skipped).
    [Theory]
    [InlineData('A', 10)]
    [InlineData('B', 12)]
    [InlineData('K', 21)]
    [InlineData('L', 23)]
    [InlineData('U', 32)]
    [InlineData('V', 34)]
    [InlineData('W', 35)]
    [InlineData('Z', 38)]
    public void Letter_values_skip_the_multiples_of_11(char letter, int value)
    {
        // Weight 1 at position 0 and weight 2 at position 1 tell value mod 11 and (2 * value) mod 11; together with
        // the hand-written table they pin every letter exactly.
        Assert.Equal(value % 11 % 10, ContainerNumber.CheckDigit($"{letter}000000000"));
        Assert.Equal(2 * value % 11 % 10, ContainerNumber.CheckDigit($"0{letter}00000000"));
        Assert.Equal(value, LetterValue[letter]);
    }

    [Fact]
    public void CheckDigit_agrees_with_the_hand_written_table_for_every_letter_at_every_position()
    {
        foreach (var letter in Letters)
        {
            for (var position = 0; position < 10; position++)
            {
                var text = new string('0', position) + letter + new string('0', 9 - position);
                Assert.True(Remainder(text) % 10 == ContainerNumber.CheckDigit(text), $"{text}: letter {letter} at {position}");
            }
        }
    }

    [Theory]
    [InlineData("CSQR3054383")] // R is not a category
    [InlineData("CSQA3054383")]
    public void Category_letter_must_be_U_J_or_Z(string text)
    {
        Assert.False(ContainerNumber.TryParse(text, out _, out var error));
        Assert.Contains("category", error);
    }

    [Fact]
    public void Categories_J_and_Z_are_accepted()
    {
        foreach (var category in "JZ")
        {
            var firstTen = $"CSQ{category}305438";
            Assert.True(Parses(firstTen + ContainerNumber.CheckDigit(firstTen)));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("CSQU305438")]   // 10 characters
    [InlineData("CSQU30543833")] // 12 characters
    [InlineData(" CSQU3054383")]
    public void Length_must_be_11(string? text)
    {
        Assert.False(ContainerNumber.TryParse(text, out var number, out var error));
        Assert.Equal(default, number);
        Assert.Contains("11 characters", error);
    }

    [Theory]
    [InlineData("csqu3054383")] // lower case
    [InlineData("CSqU3054383")]
    [InlineData("C5QU3054383")] // digit in the owner code
    [InlineData("ÇSQU3054383")]
    public void Owner_code_and_category_are_capital_letters(string text)
    {
        Assert.False(ContainerNumber.TryParse(text, out _, out var error));
        Assert.Contains("4 capital letters", error);
    }

    [Theory]
    [InlineData("CSQU30543B3")]
    [InlineData("CSQU305438X")]
    [InlineData("CSQU 054383")]
    [InlineData("CSQU３054383")] // full-width digit
    public void Serial_and_check_digit_are_ASCII_digits(string text)
    {
        Assert.False(ContainerNumber.TryParse(text, out _, out var error));
        Assert.Contains("digits", error);
    }

    [Fact]
    public void Generated_numbers_with_the_computed_check_digit_parse() =>
        ValidNumber.Sample(text => Assert.True(Parses(text), text), iter: 2000);

    [Fact]
    public void Every_other_check_digit_is_rejected() =>
        ValidNumber.Sample(text =>
        {
            foreach (var digit in Digits.Where(d => d != text[10]))
            {
                Assert.False(Parses(text[..10] + digit), text[..10] + digit);
            }
        }, iter: 2000);

    /// <summary>
    /// A substitution that puts a character of the wrong kind somewhere (a digit in the owner code, a letter in the
    /// serial or check digit, a category other than U/J/Z) is a format error, whatever the check digit says.
    /// </summary>
    [Fact]
    public void Substituting_a_character_of_the_wrong_kind_always_fails() =>
        ValidNumber.Sample(text =>
        {
            for (var position = 0; position < 11; position++)
            {
                var allowed = position < 3 ? Letters : position == 3 ? "UJZ" : Digits;
                foreach (var c in Alphabet.Where(c => !allowed.Contains(c)))
                {
                    var changed = Substitute(text, position, c);
                    Assert.False(Parses(changed), $"{text} -> {changed}");
                }
            }
        }, iter: 500);

    /// <summary>
    /// ISO 6346 does NOT detect every single substitution, and the property below states exactly which ones slip
    /// through (counter-examples were found, so "every substitution fails" would be false):
    /// <list type="number">
    /// <item>Owner-code letters whose values differ by a multiple of 11 (A=10/K=21/U=32, B=12/L=23/V=34, C=13/M=24/W=35 …):
    /// the weighted sum is unchanged mod 11. Example: CSQU3054383 → MSQU3054383 is valid.</item>
    /// <item>The final "mod 10" folds a remainder of 10 onto check digit 0, so a substitution that moves the remainder
    /// between 0 and 10 keeps check digit 0. Example: APZU4812090 (remainder 0) → APZU6812090 (remainder 10) is valid.</item>
    /// </list>
    /// Every other substitution is detected: the weights 2^i mod 11 are never 0, digit and category values differ by
    /// less than 11 (U=32, J=20, Z=38 differ by 6, 12, 18), and the check digit itself has only one correct value.
    /// </summary>
    [Fact]
    public void Single_substitutions_are_detected_except_letter_values_11_apart_and_the_mod10_fold_of_10_onto_0() =>
        ValidNumber.Sample(text =>
        {
            for (var position = 0; position < 11; position++)
            {
                var allowed = position < 3 ? Letters : position == 3 ? "UJZ" : Digits;
                foreach (var c in allowed.Where(c => c != text[position]))
                {
                    var changed = Substitute(text, position, c);
                    var undetectable = position < 10 && (
                        (Value(c) - Value(text[position])) % 11 == 0
                        || (Remainder(text) + Remainder(changed)) == 10 && Remainder(text) * Remainder(changed) == 0);
                    Assert.True(undetectable == Parses(changed),
                        $"{text} -> {changed}: expected {(undetectable ? "undetected" : "rejected")}");
                }
            }
        }, iter: 1000);

    [Fact]
    public void Substitutions_in_the_serial_category_and_check_digit_are_detected_unless_the_remainder_is_0_or_10()
    {
        // Restating the rule above for the positions where it is simplest: if the original weighted sum is neither
        // 0 nor 10 mod 11, no substitution at positions 3-10 yields a valid number.
        ValidNumber.Where(text => Remainder(text) is not (0 or 10)).Sample(text =>
        {
            for (var position = 3; position < 11; position++)
            {
                foreach (var c in (position == 3 ? "UJZ" : Digits).Where(c => c != text[position]))
                {
                    Assert.False(Parses(Substitute(text, position, c)), Substitute(text, position, c));
                }
            }
        }, iter: 1000);
    }

    [Theory]
    [InlineData("CSQU3054383", "MSQU3054383")] // C=13 -> M=24
    [InlineData("CSQU3054383", "WSQU3054383")] // C=13 -> W=35
    [InlineData("APZU4812090", "APZU6812090")] // remainder 0 -> 10, both check digit 0
    [InlineData("APZU4812090", "APZU4812070")]
    public void Documented_counter_examples_are_themselves_valid(string original, string substituted)
    {
        Assert.True(Parses(original));
        Assert.True(Parses(substituted));
        Assert.Equal(1, original.Zip(substituted).Count(p => p.First != p.Second));
    }

    private static string Substitute(string text, int position, char c) => text[..position] + c + text[(position + 1)..];
}
