using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.TaxRefund;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.TaxRefund;

/// <summary>The policy is data: ports, modes, effective dates and the deadline come from the notices.</summary>
public class RefundPolicyBookTests
{
    private static readonly RefundPolicy Waterway2020 = Support.Policies.Waterway2020;

    /// <summary>A later notice (CaiShui [2024] No. 31 style) covering rail and a longer deadline, from 1 Dec 2024.</summary>
    private static readonly RefundPolicy Notice2024 = new(
        "CaiShui-2024-31",
        new LocalDate(2024, 12, 1),
        null,
        new HashSet<TransportMode> { TransportMode.BARGE, TransportMode.RAIL },
        new HashSet<UnLocode> { L(Shunde), L(Dalang) },
        new HashSet<UnLocode> { L(Nansha) },
        90);

    private static readonly RefundPolicyBook Book = new([Waterway2020 with { EffectiveTo = new LocalDate(2024, 11, 30) }, Notice2024]);

    [Fact]
    public void In_force_from_its_effective_date_through_its_end_date_inclusive()
    {
        var policy = Waterway2020 with { EffectiveTo = new LocalDate(2024, 11, 30) };
        Assert.False(policy.InForceOn(new LocalDate(2020, 9, 30)));
        Assert.True(policy.InForceOn(new LocalDate(2020, 10, 1)));
        Assert.True(policy.InForceOn(new LocalDate(2024, 11, 30)));
        Assert.False(policy.InForceOn(new LocalDate(2024, 12, 1)));
        Assert.True(Waterway2020.InForceOn(new LocalDate(2099, 1, 1)));
    }

    [Fact]
    public void Covers_needs_mode_departure_port_and_exit_port()
    {
        Assert.True(Waterway2020.Covers(TransportMode.BARGE, L(Shunde), L(Nansha)));
        Assert.False(Waterway2020.Covers(TransportMode.RAIL, L(Shunde), L(Nansha)));
        Assert.False(Waterway2020.Covers(TransportMode.BARGE, L(Nansha), L(Shunde)));
        Assert.False(Waterway2020.Covers(TransportMode.BARGE, L(Shunde), L(Rotterdam)));
    }

    [Fact]
    public void Find_uses_the_departures_local_date_in_China()
    {
        var book = new RefundPolicyBook([Waterway2020]);
        Assert.Null(book.Find(TransportMode.BARGE, L(Shunde), L(Nansha), I("2020-09-30T15:59:59Z")));
        Assert.Null(book.Find(TransportMode.BARGE, L(Shunde), L(Nansha), I("2020-09-30T23:59:59.5+08:00")));
        Assert.Same(Waterway2020, book.Find(TransportMode.BARGE, L(Shunde), L(Nansha), I("2020-09-30T16:00:00Z")));
        Assert.Same(Waterway2020, book.Find(TransportMode.BARGE, L(Shunde), L(Nansha), I("2020-10-01T00:00:00.000+08:00")));
    }

    [Fact]
    public void The_newest_notice_in_force_applies()
    {
        Assert.Equal("CaiShui-2020-48", Book.Find(TransportMode.BARGE, L(Shunde), L(Nansha), I("2024-11-30T12:00:00+08:00"))!.Name);
        Assert.Equal("CaiShui-2024-31", Book.Find(TransportMode.BARGE, L(Shunde), L(Nansha), I("2024-12-01T12:00:00+08:00"))!.Name);
        Assert.Null(Book.Find(TransportMode.RAIL, L(Dalang), L(Nansha), I("2024-11-30T12:00:00+08:00")));
        Assert.Equal("CaiShui-2024-31", Book.Find(TransportMode.RAIL, L(Dalang), L(Nansha), I("2024-12-01T00:00:00+08:00"))!.Name);
    }

    [Fact]
    public void The_deadline_follows_the_policy_in_force()
    {
        Assert.Equal(T("2025-03-01T23:59:59+08:00"), RefundPolicyBook.ExitDeadline(Notice2024, I("2024-12-01T08:00:00+08:00"))); // + 90 days
        Assert.Equal(T("2021-01-29T23:59:59+08:00"), RefundPolicyBook.ExitDeadline(Waterway2020, I("2020-11-30T23:30:00+08:00")));
        Assert.Equal(T("2021-01-30T23:59:59+08:00"), RefundPolicyBook.ExitDeadline(Waterway2020, I("2020-11-30T16:30:00Z")));
        Assert.Equal(T("2021-01-29T23:59:59+08:00"), RefundPolicyBook.ExitDeadline(Waterway2020, I("2020-11-30T23:59:59.5+08:00")));
    }

    [Fact]
    public void A_deadline_passes_at_the_midnight_that_ends_its_day_in_China()
    {
        Assert.Equal(I("2021-01-30T00:00:00+08:00"), RefundPolicyBook.DeadlinePassesAt(T("2021-01-29T23:59:59+08:00")));
        Assert.Equal(I("2025-03-02T00:00:00+08:00"), RefundPolicyBook.DeadlinePassesAt(T("2025-03-01T23:59:59+08:00")));
    }
}
