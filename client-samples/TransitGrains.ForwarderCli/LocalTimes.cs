using NodaTime;
using NodaTime.Text;

namespace TransitGrains.ForwarderCli;

/// <summary>
/// Shows a time in the time zone of the place it happened, as forwarders ask: a time in the wrong zone is the
/// most common complaint about trackers. Places are UN/LOCODEs; where we do not know the zone, the time is shown
/// with the offset the partner sent.
/// </summary>
public static class LocalTimes
{
    // A whole-country entry first, then the exceptions of countries with several zones. Add your own lanes here.
    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CN"] = "Asia/Shanghai",
        ["HK"] = "Asia/Hong_Kong",
        ["MN"] = "Asia/Ulaanbaatar",
        ["KZ"] = "Asia/Almaty",
        ["BY"] = "Europe/Minsk",
        ["PL"] = "Europe/Warsaw",
        ["DE"] = "Europe/Berlin",
        ["NL"] = "Europe/Amsterdam",
        ["BE"] = "Europe/Brussels",
        ["SG"] = "Asia/Singapore",
        ["MY"] = "Asia/Kuala_Lumpur",
        ["VN"] = "Asia/Ho_Chi_Minh",
        ["TH"] = "Asia/Bangkok",
        ["JP"] = "Asia/Tokyo",
        ["KR"] = "Asia/Seoul",
        ["RUMOW"] = "Europe/Moscow",
        ["RUZBK"] = "Asia/Chita", // Zabaikalsk, across the border from Manzhouli
        ["MNULN"] = "Asia/Ulaanbaatar",
        ["KZDOS"] = "Asia/Almaty",
    };

    private static readonly ZonedDateTimePattern Zoned = ZonedDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm x", null);
    private static readonly OffsetDateTimePattern AsSent = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm o<+HH:mm>");

    /// <summary>The tzdb zone of a UN/LOCODE: the location's own entry, else its country's; null when unknown.</summary>
    public static DateTimeZone? ZoneOf(string? locode)
    {
        if (locode is not { Length: 5 })
        {
            return null;
        }

        var id = Zones.GetValueOrDefault(locode) ?? Zones.GetValueOrDefault(locode[..2]);
        return id is null ? null : DateTimeZoneProviders.Tzdb[id];
    }

    /// <summary>"2020-11-30 09:12 CST" at a known place, "2020-11-30 09:12 +08:00" (as sent) elsewhere, "-" for none.</summary>
    public static string Format(OffsetDateTime? time, string? locode) => time switch
    {
        null => "-",
        { } t when ZoneOf(locode) is { } zone => Zoned.Format(t.InZone(zone)),
        { } t => AsSent.Format(t),
    };
}
