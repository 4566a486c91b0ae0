using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.TaxRefund;

/// <summary>
/// One departure-port tax-refund notice as data (e.g. CaiShui [2020] No. 48): which modes, from which
/// departure ports to which exit ports, between which dates, and how long the goods have to leave the country.
/// <see cref="Source"/> tells an auditor where the entry comes from (the notice, and where its port list was taken from).
/// </summary>
public sealed record RefundPolicy(
    string Name,
    LocalDate EffectiveFrom,
    LocalDate? EffectiveTo,
    IReadOnlySet<TransportMode> Modes,
    IReadOnlySet<UnLocode> DeparturePorts,
    IReadOnlySet<UnLocode> ExitPorts,
    int ExitDeadlineDays,
    string? Source = null)
{
    public bool InForceOn(LocalDate date) => date >= EffectiveFrom && (EffectiveTo is not { } to || date <= to);

    public bool Covers(TransportMode mode, UnLocode from, UnLocode to) =>
        Modes.Contains(mode) && DeparturePorts.Contains(from) && ExitPorts.Contains(to);
}

/// <summary>
/// The notices in force over time, and how long a late exit report is waited for. Customs and tax dates are local
/// dates in China.
/// </summary>
public sealed class RefundPolicyBook(IReadOnlyList<RefundPolicy> policies, Duration? exitReportGrace = null)
{
    public static readonly DateTimeZone ChinaZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>api.md's default for <c>Transit:TaxRefund:ExitReportGrace</c>.</summary>
    public static readonly Duration DefaultExitReportGrace = Duration.FromDays(3);

    public IReadOnlyList<RefundPolicy> Policies { get; } = policies;

    /// <summary>
    /// How long after the deadline (or after REFUND_ELIGIBLE, when that was issued later) an exit may still be
    /// reported: port systems report late, and a replay of past journeys reports everything years late.
    /// </summary>
    public Duration ExitReportGrace { get; } = exitReportGrace ?? DefaultExitReportGrace;

    /// <summary>
    /// The instant from which REFUND_REVOKED (DEADLINE_PASSED) is due unless an exit within the deadline has been
    /// reported: the later of the deadline's passing (<see cref="DeadlinePassesAt"/>) and REFUND_ELIGIBLE's issue, plus
    /// the grace. The deadline itself does not move.
    /// </summary>
    public Instant RevocationDue(TaxRefundTrigger eligible) =>
        Instant.Max(DeadlinePassesAt(eligible.Deadline!.Value), eligible.IssuedAt) + ExitReportGrace;

    /// <summary>The newest notice in force on the departure's local date that covers this leg, if any.</summary>
    public RefundPolicy? Find(TransportMode mode, UnLocode from, UnLocode to, Instant departure)
    {
        var date = departure.InZone(ChinaZone).Date;
        return Policies
            .Where(p => p.InForceOn(date) && p.Covers(mode, from, to))
            .MaxBy(p => p.EffectiveFrom);
    }

    /// <summary>The end (23:59:59 China time) of the local day <c>ExitDeadlineDays</c> after the departure's local date.</summary>
    public static OffsetDateTime ExitDeadline(RefundPolicy policy, Instant departure)
    {
        var lastDay = departure.InZone(ChinaZone).Date.PlusDays(policy.ExitDeadlineDays);
        return lastDay.At(new LocalTime(23, 59, 59)).InZoneStrictly(ChinaZone).ToOffsetDateTime();
    }

    /// <summary>
    /// The first instant too late for a deadline: 00:00:00 China time of the next day. The deadline is written to
    /// the second, 23:59:59, but means the whole local day, so 23:59:59.5 is still in time.
    /// </summary>
    public static Instant DeadlinePassesAt(OffsetDateTime deadline) =>
        deadline.LocalDateTime.Date.PlusDays(1).AtStartOfDayInZone(ChinaZone).ToInstant();
}
