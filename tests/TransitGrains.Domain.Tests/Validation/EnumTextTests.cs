using TransitGrains.Domain.Events;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Domain.Tests.Validation;

public class EnumTextTests
{
    [Theory]
    [InlineData("RAIL", TransportMode.RAIL)]
    [InlineData("TRUCK", TransportMode.TRUCK)]
    public void Exact_names_parse(string text, TransportMode expected)
    {
        Assert.True(EnumText.TryParse<TransportMode>(text, out var mode));
        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("rail")]
    [InlineData("Rail")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" RAIL")]
    [InlineData("RAIL ")]
    [InlineData("RAIL,BARGE")] // would be RAIL|BARGE = BARGE for Enum.TryParse
    [InlineData("BARGE,VESSEL")] // 1|2 = 3 = TRUCK for Enum.TryParse
    public void Anything_but_an_exact_name_is_refused(string? text)
    {
        Assert.False(EnumText.TryParse<TransportMode>(text, out var mode));
        Assert.Equal(default, mode);
    }

    [Fact]
    public void Choices_list_every_name() =>
        Assert.Equal("one of RAIL, BARGE, VESSEL, TRUCK", EnumText.Choices<TransportMode>());
}
