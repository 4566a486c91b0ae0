using System.Text.RegularExpressions;
using CsCheck;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Domain.Tests.Identifiers;

/// <summary>
/// The regular expressions the OpenAPI document publishes for identifiers say what the parsers accept: a client that
/// checks a value against the document's pattern is not refused for its shape, and (where the pattern is the whole
/// rule) a value the pattern refuses is refused by the service too.
/// </summary>
public class WirePatternTests
{
    // Near misses: lower case, digits 0 and 1 (not in UN/LOCODE), the allowed punctuation and some that is not.
    private const string Characters = "ABCNSUZabz0123789-_. /#";

    private static readonly Gen<string> Text = Gen.String[Gen.Char[Characters], 0, 12];

    [Fact]
    public void The_UN_LOCODE_pattern_is_the_parser()
    {
        // Five characters of a small alphabet, so that about one in twelve is a valid code.
        Gen.OneOf(Gen.String[Gen.Char["CNSAZ0129a"], 5, 5], Text)
            .Sample(text => Assert.Equal(UnLocode.TryParse(text, out _), Regex.IsMatch(text, UnLocode.Pattern)));
        Assert.Matches(UnLocode.Pattern, "CNNSA");
    }

    [Fact]
    public void The_reference_code_pattern_and_its_lengths_are_the_rule_for_shipment_and_conveyance_ids()
    {
        Text.Sample(text =>
        {
            var shaped = Regex.IsMatch(text, ReferenceCode.Pattern);
            Assert.Equal(ReferenceCode.IsShipmentId(text),
                shaped && text.Length is >= ReferenceCode.ShipmentIdMinLength and <= ReferenceCode.ShipmentIdMaxLength);
            Assert.Equal(ReferenceCode.IsConveyanceId(text),
                shaped && text.Length is >= ReferenceCode.ConveyanceIdMinLength and <= ReferenceCode.ConveyanceIdMaxLength);
        });
    }

    [Fact]
    public void Every_container_number_that_parses_matches_the_pattern()
    {
        // The pattern is the shape; the check digit is checked only by the parser.
        Gen.String[Gen.Char["CSQUJZ0123456789x"], 11, 11].Sample(text =>
            Assert.True(!ContainerNumber.TryParse(text, out _, out _) || Regex.IsMatch(text, ContainerNumber.Pattern), text));
        Assert.Matches(ContainerNumber.Pattern, "CSQU3054383");
    }

    [Fact]
    public void Every_secret_the_service_writes_and_reads_matches_the_pattern()
    {
        Gen.Byte.Array[WebhookSecret.MinBytes, WebhookSecret.MaxBytes].Sample(key =>
        {
            var secret = WebhookSecret.Format(key);
            Assert.Matches(WebhookSecret.Pattern, secret);
            Assert.True(WebhookSecret.TryParse(secret, out var read));
            Assert.Equal(key, read);
        });
    }
}
