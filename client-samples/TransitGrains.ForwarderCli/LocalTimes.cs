using NodaTime;
using NodaTime.Text;

namespace TransitGrains.ForwarderCli;

/// <summary>
/// Shows a time as the service answers it: in the time zone of the place it belongs to (an event's location, a leg's
/// <c>from</c> or <c>to</c>), summer time included, as forwarders ask: a time in the wrong zone is the most common
/// complaint about trackers. The service knows the zones of the places; this program shows the local clock time with
/// its offset, so it needs no zone table of its own.
/// </summary>
public static class LocalTimes
{
    private static readonly OffsetDateTimePattern Local = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm o<+HH:mm>");

    /// <summary>"2020-11-30 09:12 +08:00", "-" for none.</summary>
    public static string Format(OffsetDateTime? time) => time is { } t ? Local.Format(t) : "-";
}
