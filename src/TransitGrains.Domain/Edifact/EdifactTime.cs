using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace TransitGrains.Domain.Edifact;

/// <summary>
/// A <c>DTM</c> value (C507/2380) in the formats terminals use (2379): <c>203</c> CCYYMMDDHHMM, <c>204</c>
/// CCYYMMDDHHMMSS, and <c>303</c>/<c>304</c> the same followed by a zone offset (<c>+08</c>, <c>+0800</c>,
/// <c>+08:00</c>, <c>UTC</c>, <c>Z</c>). A time without an offset is the clock on the wall at the place, read in its tzdb zone.
/// </summary>
public static class EdifactTime
{
    private static readonly LocalDateTimePattern Minutes = LocalDateTimePattern.CreateWithInvariantCulture("uuuuMMddHHmm");
    private static readonly LocalDateTimePattern Seconds = LocalDateTimePattern.CreateWithInvariantCulture("uuuuMMddHHmmss");

    /// <summary>The formats read, as an error names them.</summary>
    public const string Formats = "203 (CCYYMMDDHHMM), 204 (CCYYMMDDHHMMSS), 303 or 304 (the same with a zone offset, e.g. +08)";

    /// <summary>
    /// The time <paramref name="value"/> stands for, or why it is not one. <paramref name="format"/> null: 203 or
    /// 204 by its length. <paramref name="zone"/> places a time without an offset; null when the place has no known zone.
    /// </summary>
    public static (OffsetDateTime? Time, string? Problem) Read(string value, string? format, DateTimeZone? zone)
    {
        format ??= value.Length == 14 ? "204" : "203";
        var (pattern, length, withOffset) = format switch
        {
            "203" => (Minutes, 12, false),
            "204" => (Seconds, 14, false),
            "303" => (Minutes, 12, true),
            "304" => (Seconds, 14, true),
            _ => (null, 0, false),
        };
        if (pattern is null)
        {
            return (null, $"date/time format {format} is not read: use {Formats}");
        }

        if (value.Length < length || pattern.Parse(value[..length]) is not { Success: true } parsed)
        {
            return (null, $"'{value}' is not a time in format {format}");
        }

        if (!withOffset)
        {
            if (value.Length != length)
            {
                return (null, $"'{value}' is not a time in format {format}");
            }

            // At a change of the clocks: an hour that came twice is its first, one that was skipped moves forward.
            return zone is null
                ? (null, $"'{value}' has no zone offset and the place has no known time zone: send format 303 or 304")
                : (parsed.Value.InZoneLeniently(zone).ToOffsetDateTime(), null);
        }

        return OffsetOf(value[length..]) is { } offset
            ? (parsed.Value.WithOffset(offset), null)
            : (null, $"'{value}' does not end in a zone offset (format {format}: e.g. +08, +0800 or UTC)");
    }

    private static Offset? OffsetOf(string text)
    {
        if (text is "UTC" or "GMT" or "Z")
        {
            return Offset.Zero;
        }

        if (text.Length < 3 || text[0] is not ('+' or '-'))
        {
            return null;
        }

        var digits = text[1..].Replace(":", "", StringComparison.Ordinal);
        if (digits.Length is not (2 or 4) || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var (hours, minutes) = digits.Length == 2 ? (number, 0) : (number / 100, number % 100);
        if (hours > 14 || minutes > 59)
        {
            return null;
        }

        var seconds = ((hours * 60) + minutes) * 60;
        return Offset.FromSeconds(text[0] == '-' ? -seconds : seconds);
    }
}
