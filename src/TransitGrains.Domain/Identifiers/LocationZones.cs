using NodaTime;

namespace TransitGrains.Domain.Identifiers;

/// <summary>
/// The IANA tzdb time zone of a place, so that every time the service answers is shown in the zone of the place it
/// belongs to, whatever offset the reporter used (Russian rail systems report in Moscow time, terminals in UTC).
/// A place's own entry wins; else its country's, given only for countries that keep one clock; a place neither
/// covers has no zone here, and its times keep the offset they were reported in.
/// </summary>
/// <remarks>
/// Data sources. Codes: the UN/LOCODE code list (UNECE), as published per country in github.com/geoapify/un-locode
/// (src/data/{country}.csv) and in github.com/datasets/un-locode; each place entry names the place as listed there.
/// Zones: IANA tzdb identifiers (zone.tab), chosen by the region the place lies in. Countries with several zones whose
/// clocks differ (Russia, Kazakhstan before 2024, Mongolia, Spain's islands and African cities) are listed by place;
/// Germany (Büsingen) and Malaysia (Sabah, Sarawak) keep one clock in every zone since the 1980s, so their country
/// entry covers all. China keeps Beijing time everywhere, Xinjiang included, as its rail and customs systems do.
/// </remarks>
public static class LocationZones
{
    /// <summary>Places whose country has several zones, or that lie outside their country's zone.</summary>
    private static readonly Dictionary<string, string> PlaceEntries = new(StringComparer.Ordinal)
    {
        // Russia, west to east along the rail corridors and the Pacific ports.
        ["RUKGD"] = "Europe/Kaliningrad", // Kaliningrad
        ["RULED"] = "Europe/Moscow", // Saint Petersburg
        ["RUULU"] = "Europe/Moscow", // Ust'-Luga
        ["RUTVR"] = "Europe/Moscow", // Tver'
        ["RUMOW"] = "Europe/Moscow", // Moskva
        ["RUVRS"] = "Europe/Moscow", // Vorsino (Kaluga region)
        ["RUSKV"] = "Europe/Moscow", // Staraya Kupavna
        ["RURZH"] = "Europe/Moscow", // Selyatino
        ["RUIAR"] = "Europe/Moscow", // Yaroslavl
        ["RULNX"] = "Europe/Moscow", // Smolensk
        ["RUBRY"] = "Europe/Moscow", // Bryansk
        ["RUORE"] = "Europe/Moscow", // Orel
        ["RUVOZ"] = "Europe/Moscow", // Voronezh
        ["RURND"] = "Europe/Moscow", // Rostov-na-Donu
        ["RUNVS"] = "Europe/Moscow", // Novorossiysk
        ["RUGOJ"] = "Europe/Moscow", // Nizhniy Novgorod
        ["RUKZN"] = "Europe/Moscow", // Kazan
        ["RUKVX"] = "Europe/Kirov", // Kirov
        ["RUKUF"] = "Europe/Samara", // Samara
        ["RUPEE"] = "Asia/Yekaterinburg", // Perm
        ["RUYEK"] = "Asia/Yekaterinburg", // Yekaterinburg
        ["RUCEK"] = "Asia/Yekaterinburg", // Chelyabinsk
        ["RUTJM"] = "Asia/Yekaterinburg", // Tyumen
        ["RUKRO"] = "Asia/Yekaterinburg", // Kurgan
        ["RUOMS"] = "Asia/Omsk", // Omsk
        ["RUOVB"] = "Asia/Novosibirsk", // Novosibirsk
        ["RUTOF"] = "Asia/Tomsk", // Tomsk
        ["RUBAX"] = "Asia/Barnaul", // Barnaul
        ["RUKEJ"] = "Asia/Novokuznetsk", // Kemerovo
        ["RUKRA"] = "Asia/Krasnoyarsk", // Krasnoyarsk
        ["RUIKT"] = "Asia/Irkutsk", // Irkutsk
        ["RUUUD"] = "Asia/Irkutsk", // Ulan-Ude
        ["RUNKI"] = "Asia/Irkutsk", // Naushki, across the border from Sukhbaatar
        ["RUHTA"] = "Asia/Chita", // Chita
        ["RUZBK"] = "Asia/Chita", // Zabaykal'sk, across the border from Manzhouli
        ["RUBQS"] = "Asia/Yakutsk", // Blagoveschensk (Amur region)
        ["RUBLG"] = "Asia/Yakutsk", // Blagoveshchensk
        ["RUKHV"] = "Asia/Vladivostok", // Khabarovsk
        ["RUGRK"] = "Asia/Vladivostok", // Grodekovo, across the border from Suifenhe
        ["RUUSS"] = "Asia/Vladivostok", // Ussuriysk
        ["RUVVO"] = "Asia/Vladivostok", // Vladivostok
        ["RUNJK"] = "Asia/Vladivostok", // Nakhodka
        ["RUVYP"] = "Asia/Vladivostok", // Vostochnyy Port

        // Kazakhstan: one offset (+05) since March 2024, but its regions kept different clocks before.
        ["KZDOS"] = "Asia/Almaty", // Dostyk, across the border from Alashankou
        ["KZHOR"] = "Asia/Almaty", // Horgos (Khorgos)
        ["KZZRK"] = "Asia/Almaty", // Zharkent
        ["KZALA"] = "Asia/Almaty", // Almaty
        ["KZAST"] = "Asia/Almaty", // Nur-Sultan (Astana)
        ["KZKGF"] = "Asia/Almaty", // Karaganda
        ["KZPWQ"] = "Asia/Almaty", // Pavlodar
        ["KZPLX"] = "Asia/Almaty", // Semey
        ["KZUKK"] = "Asia/Almaty", // Ust-Kamenogorsk
        ["KZPPK"] = "Asia/Almaty", // Petropavlovsk
        ["KZCIT"] = "Asia/Almaty", // Shimkent
        ["KZSHY"] = "Asia/Almaty", // Shymkent
        ["KZTAR"] = "Asia/Almaty", // Taraz
        ["KZARY"] = "Asia/Almaty", // Arys
        ["KZKZO"] = "Asia/Qyzylorda", // Kzyl-Orda
        ["KZKSN"] = "Asia/Qostanay", // Kostanay
        ["KZAKX"] = "Asia/Aqtobe", // Aqtobe (Aktyubinsk)
        ["KZURA"] = "Asia/Oral", // Uralsk
        ["KZGUW"] = "Asia/Atyrau", // Atyrau
        ["KZAAU"] = "Asia/Aqtau", // Aktau
        ["KZKUR"] = "Asia/Aqtau", // Kuryk
        ["KZBTN"] = "Asia/Aqtau", // Bautino

        // Mongolia: Ulaanbaatar time, except the western provinces.
        ["MNULN"] = "Asia/Ulaanbaatar", // Ulaanbaatar
        ["MNZUU"] = "Asia/Ulaanbaatar", // Zamyn-Uud, across the border from Erenhot
        ["MNDZU"] = "Asia/Ulaanbaatar", // Dzamin Uud
        ["MNALT"] = "Asia/Ulaanbaatar", // Altanbulag, across the border from Kyakhta
        ["MNERT"] = "Asia/Ulaanbaatar", // Erdenet
        ["MNHVD"] = "Asia/Hovd", // Khovd
        ["MNULG"] = "Asia/Hovd", // Olgii
        ["MNULO"] = "Asia/Hovd", // Ulaangom

        // Spain: the Canary Islands, Ceuta and Melilla keep other clocks than the mainland.
        ["ESLPA"] = "Atlantic/Canary", // Las Palmas de Gran Canaria
        ["ESRGA"] = "Atlantic/Canary", // Arinaga
        ["ESSCT"] = "Atlantic/Canary", // Santa Cruz de Tenerife
        ["ESGND"] = "Atlantic/Canary", // Puerto de Granadilla
        ["ESLCR"] = "Atlantic/Canary", // Los Cristianos
        ["ESTFN"] = "Atlantic/Canary", // Tenerife North Apt
        ["ESTFS"] = "Atlantic/Canary", // Tenerife South Apt
        ["ESACE"] = "Atlantic/Canary", // Lanzarote (Arrecife)
        ["ESPRO"] = "Atlantic/Canary", // Puerto Rosario
        ["ESFUE"] = "Atlantic/Canary", // Puerto del Rosario-Fuerteventura
        ["ESSPC"] = "Atlantic/Canary", // Santa Cruz de La Palma
        ["ESSSG"] = "Atlantic/Canary", // San Sebastian de la Gomera
        ["ESVDH"] = "Atlantic/Canary", // Valverde (Isla del Hierro)
        ["ESCEU"] = "Africa/Ceuta", // Ceuta
        ["ESMLN"] = "Africa/Ceuta", // Melilla
    };

    /// <summary>Countries that keep one clock: every place in them not listed above.</summary>
    private static readonly Dictionary<string, string> CountryEntries = new(StringComparer.Ordinal)
    {
        // China and its neighbours in the east
        ["CN"] = "Asia/Shanghai",
        ["HK"] = "Asia/Hong_Kong",
        ["MO"] = "Asia/Macau",
        ["TW"] = "Asia/Taipei",
        ["KR"] = "Asia/Seoul",
        ["JP"] = "Asia/Tokyo",

        // Southeast and South Asia, the Gulf
        ["VN"] = "Asia/Ho_Chi_Minh",
        ["TH"] = "Asia/Bangkok",
        ["MY"] = "Asia/Kuala_Lumpur",
        ["SG"] = "Asia/Singapore",
        ["PH"] = "Asia/Manila",
        ["IN"] = "Asia/Kolkata",
        ["AE"] = "Asia/Dubai",

        // Central Asia and the Caucasus
        ["KG"] = "Asia/Bishkek",
        ["GE"] = "Asia/Tbilisi",
        ["AZ"] = "Asia/Baku",
        ["TR"] = "Europe/Istanbul",

        // Europe
        ["BY"] = "Europe/Minsk",
        ["LT"] = "Europe/Vilnius",
        ["LV"] = "Europe/Riga",
        ["EE"] = "Europe/Tallinn",
        ["FI"] = "Europe/Helsinki",
        ["PL"] = "Europe/Warsaw",
        ["CZ"] = "Europe/Prague",
        ["SK"] = "Europe/Bratislava",
        ["HU"] = "Europe/Budapest",
        ["AT"] = "Europe/Vienna",
        ["DE"] = "Europe/Berlin",
        ["NL"] = "Europe/Amsterdam",
        ["BE"] = "Europe/Brussels",
        ["LU"] = "Europe/Luxembourg",
        ["FR"] = "Europe/Paris",
        ["CH"] = "Europe/Zurich",
        ["IT"] = "Europe/Rome",
        ["ES"] = "Europe/Madrid",
        ["GB"] = "Europe/London",
        ["DK"] = "Europe/Copenhagen",
        ["SE"] = "Europe/Stockholm",
        ["NO"] = "Europe/Oslo",
    };

    private static readonly Dictionary<string, DateTimeZone> Zones =
        PlaceEntries.Concat(CountryEntries).ToDictionary(e => e.Key, e => DateTimeZoneProviders.Tzdb[e.Value], StringComparer.Ordinal);

    /// <summary>Every entry, place or country code → tzdb id: the data, for checking it.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> Entries => PlaceEntries.Concat(CountryEntries);

    /// <summary>The place's own zone, else its country's; null when the table cannot place it.</summary>
    public static DateTimeZone? ZoneOf(UnLocode place) =>
        Zones.GetValueOrDefault(place.Value) ?? Zones.GetValueOrDefault(place.Country);

    /// <summary>The same instant as the place's clock showed it; a place the table cannot place keeps the offset as reported.</summary>
    public static OffsetDateTime AtPlace(this OffsetDateTime time, UnLocode place) =>
        ZoneOf(place) is { } zone ? time.ToInstant().InZone(zone).ToOffsetDateTime() : time;

    public static OffsetDateTime? AtPlace(this OffsetDateTime? time, UnLocode place) => time?.AtPlace(place);
}
