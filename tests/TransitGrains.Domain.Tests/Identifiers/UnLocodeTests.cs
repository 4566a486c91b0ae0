using CsCheck;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Tests.Identifiers;

public class UnLocodeTests
{
    [Theory]
    [InlineData("CNNSA", "CN")]
    [InlineData("RUMOW", "RU")]
    [InlineData("NLRTM", "NL")]
    [InlineData("CNSUD", "CN")]
    [InlineData("DEHA2", "DE")] // 2-9 allowed in the last three
    [InlineData("US9ZZ", "US")]
    public void Well_formed_codes_parse(string text, string country)
    {
        Assert.True(UnLocode.TryParse(text, out var code));
        Assert.Equal(text, code.Value);
        Assert.Equal(country, code.Country);
        Assert.Equal(code, UnLocode.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("CNNS")]     // too short
    [InlineData("CNNSAA")]   // too long
    [InlineData("cnnsa")]    // lower case
    [InlineData("CNnsa")]
    [InlineData("CNNS0")]    // 0 is not allowed (looks like O)
    [InlineData("CNNS1")]    // 1 is not allowed (looks like I)
    [InlineData("C2NSA")]    // the country is letters only
    [InlineData("2CNSA")]
    [InlineData("CN-SA")]
    [InlineData("CN SA")]
    public void Malformed_codes_are_rejected(string? text)
    {
        Assert.False(UnLocode.TryParse(text, out var code));
        Assert.Equal(default, code);
    }

    [Fact]
    public void Parse_throws_on_a_malformed_code() =>
        Assert.Throws<FormatException>(() => UnLocode.Parse("cnnsa"));

    [Fact]
    public void Any_two_letters_and_three_of_A_to_Z_or_2_to_9_parse_and_any_0_or_1_does_not()
    {
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var code = Gen.Select(Gen.Char[letters].Array[2], Gen.Char[letters + "23456789"].Array[3], (c, l) => new string(c) + new string(l));
        code.Sample(text =>
        {
            Assert.True(UnLocode.TryParse(text, out _), text);
            for (var i = 0; i < 5; i++)
            {
                foreach (var bad in "01a-")
                {
                    var changed = text[..i] + bad + text[(i + 1)..];
                    Assert.False(UnLocode.TryParse(changed, out _), changed);
                }
            }
        }, iter: 500);
    }
}
