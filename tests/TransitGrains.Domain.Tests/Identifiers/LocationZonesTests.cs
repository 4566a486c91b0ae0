using CsCheck;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Tests.Identifiers;

public class LocationZonesTests
{
    private static OffsetDateTime T(string text) => OffsetDateTimePattern.ExtendedIso.Parse(text).Value;

    private static string Shown(string reported, string place) => OffsetDateTimePattern.ExtendedIso.Format(T(reported).AtPlace(UnLocode.Parse(place)));

    [Fact]
    public void Every_entry_is_a_tzdb_zone_of_the_entrys_country()
    {
        // zone.tab: the zones tzdb lists for each country. A zone from another country would be a slip in the data.
        var byCountry = TzdbDateTimeZoneSource.Default.ZoneLocations!.ToLookup(l => l.CountryCode, l => l.ZoneId);
        Assert.All(LocationZones.Entries, entry =>
        {
            var (key, zoneId) = (entry.Key, entry.Value);
            Assert.True(key.Length == 2 || UnLocode.TryParse(key, out _), $"{key} is neither a country nor a UN/LOCODE");
            Assert.NotNull(DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId));
            Assert.Contains(zoneId, byCountry[key[..2]]);
        });
    }

    [Fact]
    public void The_countries_and_places_of_the_china_europe_and_pearl_river_routes_are_covered()
    {
        string[] places = ["CNDLG", "CNSUD", "CNNSA", "CNMZL", "CNKHG", "MNZUU", "MNULN", "KZDOS", "KZHOR", "RUZBK", "RUMOW", "RUVRS",
            "BYBQT", "PLWAW", "DEDUI", "DEHAM", "NLRTM", "CZPRG", "ESMAD", "ITMIL", "VNSGN", "SGSIN"];

        Assert.All(places, p => Assert.NotNull(LocationZones.ZoneOf(UnLocode.Parse(p))));
    }

    [Theory]
    // One instant (the Manzhouli/Zabaikalsk border crossing, reported in Moscow time) on both sides of the border and in Moscow.
    [InlineData("2026-11-13T18:00:00+03:00", "RUZBK", "2026-11-14T00:00:00+09:00")]
    [InlineData("2026-11-13T18:00:00+03:00", "CNMZL", "2026-11-13T23:00:00+08:00")]
    [InlineData("2026-11-13T18:00:00+03:00", "RUMOW", "2026-11-13T18:00:00+03:00")]
    [InlineData("2026-11-13T15:00:00Z", "RUMOW", "2026-11-13T18:00:00+03:00")]
    [InlineData("2026-11-13T18:00:00+03:00", "CNDLG", "2026-11-13T23:00:00+08:00")]
    // Duisburg keeps summer time: +02:00 in July, +01:00 in January; the change in spring is at 01:00 UTC.
    [InlineData("2026-07-15T08:00:00Z", "DEDUI", "2026-07-15T10:00:00+02:00")]
    [InlineData("2026-01-15T08:00:00Z", "DEDUI", "2026-01-15T09:00:00+01:00")]
    [InlineData("2026-03-29T00:59:00Z", "DEDUI", "2026-03-29T01:59:00+01:00")]
    [InlineData("2026-03-29T01:00:00Z", "DEDUI", "2026-03-29T03:00:00+02:00")]
    // Kazakhstan's east was +06:00 before March 2024, +05:00 since; Aktau was +05:00 throughout.
    [InlineData("2021-01-10T03:00:00Z", "KZDOS", "2021-01-10T09:00:00+06")]
    [InlineData("2021-01-10T03:00:00Z", "KZAAU", "2021-01-10T08:00:00+05")]
    [InlineData("2026-01-10T03:00:00Z", "KZDOS", "2026-01-10T08:00:00+05")]
    // By place where a country has several clocks: Mongolia's west, the Canary Islands.
    [InlineData("2026-01-10T03:00:00Z", "MNZUU", "2026-01-10T11:00:00+08")]
    [InlineData("2026-01-10T03:00:00Z", "MNHVD", "2026-01-10T10:00:00+07")]
    [InlineData("2026-07-10T12:00:00+02:00", "ESMAD", "2026-07-10T12:00:00+02:00")]
    [InlineData("2026-07-10T12:00:00+02:00", "ESLPA", "2026-07-10T11:00:00+01:00")]
    public void A_time_is_shown_in_its_places_zone_at_that_instant(string reported, string place, string shown) =>
        Assert.Equal(T(shown), T(Shown(reported, place)));

    [Theory]
    [InlineData("2026-11-13T18:00:00+03:00", "USLAX")] // a country the table does not hold
    [InlineData("2026-11-13T18:00:00+03:00", "RUAER")] // a Russian place it does not list: Russia has no single zone
    [InlineData("2026-11-13T15:00:00Z", "KZBKZ")]
    [InlineData("2026-11-13T10:00:00-05:00", "MNLTI")]
    public void A_place_the_table_cannot_place_keeps_the_reported_offset(string reported, string place)
    {
        Assert.Null(LocationZones.ZoneOf(UnLocode.Parse(place)));
        Assert.Equal(T(reported), T(reported).AtPlace(UnLocode.Parse(place)));
    }

    [Fact]
    public void No_time_stays_no_time() => Assert.Null(((OffsetDateTime?)null).AtPlace(UnLocode.Parse("CNNSA")));

    private static readonly UnLocode[] Places =
        [.. LocationZones.Entries.Select(e => e.Key).Where(k => k.Length == 5).Select(UnLocode.Parse),
         .. new[] { "CNNSA", "DEDUI", "NLRTM", "USLAX", "RUAER", "BRSSZ", "AUSYD" }.Select(UnLocode.Parse)];

    [Fact]
    public void Conversion_keeps_the_instant_and_shows_the_places_offset_at_that_instant() =>
        Gen.Select(
                Gen.Long[Instant.FromUtc(1990, 1, 1, 0, 0).ToUnixTimeSeconds(), Instant.FromUtc(2040, 1, 1, 0, 0).ToUnixTimeSeconds()],
                Gen.Int[-12 * 60, 14 * 60],
                Gen.Int[0, Places.Length - 1].Select(i => Places[i]))
            .Sample((seconds, offsetMinutes, place) =>
            {
                var instant = Instant.FromUnixTimeSeconds(seconds);
                var reported = instant.WithOffset(Offset.FromSeconds(offsetMinutes * 60));

                var shown = reported.AtPlace(place);

                Assert.Equal(instant, shown.ToInstant());
                var expectedOffset = LocationZones.ZoneOf(place) is { } zone ? zone.GetUtcOffset(instant) : reported.Offset;
                Assert.Equal(expectedOffset, shown.Offset);
                Assert.Equal(shown, shown.AtPlace(place)); // shown once, shown for good
            }, iter: 2000);
}
