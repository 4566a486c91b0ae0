using NodaTime;
using NodaTime.Text;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.TaxRefund;

/// <summary>
/// <c>Transit:TaxRefund</c>: the refund notices as data, so a new notice is a configuration change. Bound from
/// configuration by the host; turned into the policy book here, so that what the silo reads and what a test reads
/// from the same file cannot differ.
/// </summary>
public sealed class TaxRefundOptions
{
    public const string Section = "Transit:TaxRefund";

    public List<RefundPolicyOptions> Policies { get; init; } = [];

    /// <summary>
    /// <c>ExitReportGrace</c>, in the .NET TimeSpan form <c>[d.]hh:mm[:ss]</c> ("3.00:00:00" is three days, "00:00:00"
    /// none); default three days.
    /// </summary>
    public TimeSpan? ExitReportGrace { get; set; }

    public RefundPolicyBook ToPolicyBook()
    {
        if (ExitReportGrace < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:ExitReportGrace must not be negative (it is {ExitReportGrace}).");
        }

        return new(Policies.Select(p => p.ToPolicy()).ToList(), ExitReportGrace is { } grace ? Duration.FromTimeSpan(grace) : null);
    }
}

public sealed class RefundPolicyOptions
{
    public string Name { get; set; } = "";
    public string EffectiveFrom { get; set; } = "";
    public string? EffectiveTo { get; set; }
    public List<string> Modes { get; init; } = [];
    public List<string> DeparturePorts { get; init; } = [];
    public List<string> ExitPorts { get; init; } = [];
    public int ExitDeadlineDays { get; set; }

    /// <summary>Free text for auditors: the notice's title, number and date, and where its port list comes from.</summary>
    public string? Source { get; set; }

    public RefundPolicy ToPolicy()
    {
        try
        {
            return new RefundPolicy(
                Name,
                LocalDatePattern.Iso.Parse(EffectiveFrom).Value,
                EffectiveTo is null ? null : LocalDatePattern.Iso.Parse(EffectiveTo).Value,
                Modes.Select(Enum.Parse<TransportMode>).ToHashSet(),
                DeparturePorts.Select(UnLocode.Parse).ToHashSet(),
                ExitPorts.Select(UnLocode.Parse).ToHashSet(),
                ExitDeadlineDays > 0 ? ExitDeadlineDays : throw new FormatException("exitDeadlineDays must be positive"),
                string.IsNullOrWhiteSpace(Source) ? null : Source.Trim());
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or UnparsableValueException)
        {
            throw new InvalidOperationException($"{TaxRefundOptions.Section}:Policies entry '{Name}' is invalid: {ex.Message}", ex);
        }
    }
}
