using NodaTime;

namespace TransitGrains.Domain.Shipments;

/// <summary>
/// Expected times of each leg. An estimate (EST) a partner sent wins; otherwise the latest delay seen so
/// far (actual or estimated minus planned, on this or an earlier leg; early running counts as zero) shifts
/// the planned time. The shipment's ETA is the last leg's arrival: actual, else expected, else planned.
/// </summary>
public static class EtaRule
{
    public sealed record LegTimes(OffsetDateTime? EstimatedDeparture, OffsetDateTime? EstimatedArrival);

    public static IReadOnlyList<LegTimes> Expected(IReadOnlyList<LegProgress> legs)
    {
        var delay = Duration.Zero;
        var result = new List<LegTimes>(legs.Count);
        foreach (var leg in legs)
        {
            var departure = Expect(leg.PlannedDeparture, leg.EstimatedDeparture?.EventDateTime, leg.ActualDeparture, ref delay);
            var arrival = Expect(leg.PlannedArrival, leg.EstimatedArrival?.EventDateTime, leg.ActualArrival, ref delay);
            result.Add(new LegTimes(departure, arrival));
        }

        return result;
    }

    public static OffsetDateTime? Eta(IReadOnlyList<LegProgress> legs) => Eta(legs[^1], Expected(legs)[^1]);

    public static OffsetDateTime? Eta(LegProgress last, LegTimes expected) =>
        last.ActualArrival ?? expected.EstimatedArrival ?? last.PlannedArrival;

    /// <summary>The estimate to show for one planned time, updating the running delay with what was seen.</summary>
    private static OffsetDateTime? Expect(OffsetDateTime? planned, OffsetDateTime? estimated, OffsetDateTime? actual, ref Duration delay)
    {
        var seen = actual ?? estimated;
        if (planned is { } p && seen is { } s)
        {
            var deviation = s.ToInstant() - p.ToInstant();
            delay = deviation > Duration.Zero ? deviation : Duration.Zero;
        }

        if (estimated is not null)
        {
            return estimated;
        }

        return actual is null && planned is { } plannedTime && delay > Duration.Zero ? plannedTime.Plus(delay) : null;
    }
}
