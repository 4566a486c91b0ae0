using NodaTime;
using Orleans;

namespace TransitGrains.Abstractions;

// Orleans has no codec for NodaTime's structs: without these surrogates a call between two silos fails
// (calls inside one silo copy instead of serializing, which hides it). Both keep full nanosecond precision.

[GenerateSerializer]
public readonly record struct InstantSurrogate([property: Id(0)] int DaysSinceEpoch, [property: Id(1)] long NanosecondOfDay);

[RegisterConverter]
public sealed class InstantSurrogateConverter : IConverter<Instant, InstantSurrogate>
{
    public Instant ConvertFromSurrogate(in InstantSurrogate surrogate) =>
        NodaConstants.UnixEpoch + Duration.FromDays(surrogate.DaysSinceEpoch) + Duration.FromNanoseconds(surrogate.NanosecondOfDay);

    public InstantSurrogate ConvertToSurrogate(in Instant value)
    {
        var sinceEpoch = value - NodaConstants.UnixEpoch;
        return new InstantSurrogate(sinceEpoch.Days, sinceEpoch.NanosecondOfDay);
    }
}

[GenerateSerializer]
public readonly record struct OffsetDateTimeSurrogate(
    [property: Id(0)] int Year,
    [property: Id(1)] int Month,
    [property: Id(2)] int Day,
    [property: Id(3)] long NanosecondOfDay,
    [property: Id(4)] int OffsetSeconds);

[RegisterConverter]
public sealed class OffsetDateTimeSurrogateConverter : IConverter<OffsetDateTime, OffsetDateTimeSurrogate>
{
    public OffsetDateTime ConvertFromSurrogate(in OffsetDateTimeSurrogate s) =>
        new LocalDate(s.Year, s.Month, s.Day)
            .At(LocalTime.FromNanosecondsSinceMidnight(s.NanosecondOfDay))
            .WithOffset(Offset.FromSeconds(s.OffsetSeconds));

    public OffsetDateTimeSurrogate ConvertToSurrogate(in OffsetDateTime value) =>
        new(value.Year, value.Month, value.Day, value.NanosecondOfDay, value.Offset.Seconds);
}
