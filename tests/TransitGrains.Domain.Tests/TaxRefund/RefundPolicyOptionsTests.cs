using Microsoft.Extensions.Configuration;
using NodaTime;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Domain.Tests.TaxRefund;

/// <summary><c>Transit:TaxRefund:ExitReportGrace</c>, bound from configuration as the silo binds it.</summary>
public class RefundPolicyOptionsTests
{
    private static RefundPolicyBook Book(string? grace)
    {
        var settings = new Dictionary<string, string?> { ["Transit:TaxRefund:QueueName"] = "tax-refund-triggers" };
        if (grace is not null)
        {
            settings["Transit:TaxRefund:ExitReportGrace"] = grace;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return configuration.GetSection(TaxRefundOptions.Section).Get<TaxRefundOptions>()!.ToPolicyBook();
    }

    [Theory]
    [InlineData(null, 3 * 24 * 60)]
    [InlineData("3.00:00:00", 3 * 24 * 60)]
    [InlineData("1.12:30:00", (36 * 60) + 30)]
    [InlineData("00:10:00", 10)]
    [InlineData("00:00:00", 0)]
    public void The_grace_is_a_TimeSpan_of_three_days_unless_configured(string? configured, int minutes) =>
        Assert.Equal(Duration.FromMinutes(minutes), Book(configured).ExitReportGrace);

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("three days")]
    public void A_negative_or_unreadable_grace_stops_the_silo_naming_the_key(string configured)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Book(configured));
        Assert.Contains("ExitReportGrace", error.Message, StringComparison.Ordinal);
    }
}
