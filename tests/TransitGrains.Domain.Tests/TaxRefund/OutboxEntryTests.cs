using CsCheck;
using NodaTime;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Tests.Support;

namespace TransitGrains.Domain.Tests.TaxRefund;

public class OutboxEntryTests
{
    private static readonly Instant Now = Data.I("2020-11-30T10:00:00+08:00");

    private static readonly TaxRefundTrigger Trigger = new(
        TaxRefundTriggerKind.REFUND_ELIGIBLE, "GZ21-000123", Data.DeclarationNumber, Data.ExporterTaxId, [Data.Csqu],
        Data.Shunde, Data.Nansha, Data.Barge, Data.T("2020-11-30T08:40:00+08:00"), Data.T("2020-11-30T09:12:00+08:00"),
        null, Data.T("2021-01-29T23:59:59+08:00"), null, Now);

    private static OutboxEntry FailedTimes(int times)
    {
        var entry = OutboxEntry.Pending(Trigger);
        for (var i = 0; i < times; i++)
        {
            entry = entry.Failed(Now);
        }

        return entry;
    }

    [Fact]
    public void A_new_entry_is_due_at_once()
    {
        var entry = OutboxEntry.Pending(Trigger);
        Assert.True(entry.IsDue(Now));
        Assert.Equal(0, entry.FailedAttempts);
        Assert.Null(entry.DeliveredAt);
        Assert.Equal("GZ21-000123:REFUND_ELIGIBLE", entry.Trigger.MessageId);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 16)]
    [InlineData(6, 30)] // 32 s capped at 30 seconds
    [InlineData(7, 30)]
    [InlineData(40, 30)]
    public void Backoff_doubles_from_one_second_and_caps_at_thirty_seconds(int failures, int seconds)
    {
        var entry = FailedTimes(failures);
        Assert.Equal(failures, entry.FailedAttempts);
        Assert.Equal(Now + Duration.FromSeconds(seconds), entry.NextAttemptAt);
    }

    [Fact]
    public void Each_failure_doubles_the_wait_until_the_cap_and_never_exceeds_it() =>
        Gen.Int[1, 60].Sample(failures =>
        {
            var wait = FailedTimes(failures).NextAttemptAt!.Value - Now;
            var previous = failures == 1 ? Duration.Zero : FailedTimes(failures - 1).NextAttemptAt!.Value - Now;
            Assert.True(wait <= Duration.FromSeconds(OutboxEntry.MaxBackoffSeconds));
            Assert.True(wait == Duration.FromSeconds(OutboxEntry.MaxBackoffSeconds) || wait == previous * 2 || failures == 1, $"{failures}: {previous} -> {wait}");
            Assert.True(wait >= previous);
        }, iter: 60);

    [Fact]
    public void A_failed_entry_is_due_again_only_when_its_wait_is_over()
    {
        var entry = FailedTimes(3); // 4 s
        Assert.False(entry.IsDue(Now));
        Assert.False(entry.IsDue(Now + Duration.FromSeconds(3)));
        Assert.True(entry.IsDue(Now + Duration.FromSeconds(4)));
        Assert.True(entry.IsDue(Now + Duration.FromHours(1)));
    }

    [Fact]
    public void A_delivered_entry_is_never_due_again()
    {
        var entry = FailedTimes(2).Delivered(Now + Duration.FromSeconds(5));
        Assert.Equal(Now + Duration.FromSeconds(5), entry.DeliveredAt);
        Assert.Null(entry.NextAttemptAt);
        Assert.False(entry.IsDue(Now + Duration.FromDays(365)));
        Assert.Same(Trigger, entry.Trigger);
    }
}
