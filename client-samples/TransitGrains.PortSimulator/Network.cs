using NodaTime;

namespace TransitGrains.PortSimulator;

/// <summary>A place where events happen: UN/LOCODE, a facility code, and its time zone (events carry its offset).</summary>
public sealed record Place(string Code, string Facility, string Name, DateTimeZone Zone)
{
    public OffsetDateTime Local(Instant instant) => instant.InZone(Zone).ToOffsetDateTime();
}

/// <summary>A river terminal feeding Nansha: its barges, and how long they take to get there.</summary>
public sealed record FeederPort(Place Place, string BargeName, Duration ToNansha, int Weight);

/// <summary>Where Nansha's ocean vessels sail to, and how long they take.</summary>
public sealed record Destination(Place Place, Duration Voyage, int Weight);

/// <summary>The simulated network: the Pearl River one-port feeders, Nansha and its lanes, and the 穗满俄 rail route.</summary>
public static class Network
{
    private static readonly DateTimeZone China = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static readonly Place Nansha = new("CNNSA", "NS4", "Nansha Phase IV", China);

    public static readonly IReadOnlyList<FeederPort> Feeders =
    [
        new(new("CNSUD", "BJT", "Shunde Beijiao", China), "SUIGANG", Duration.FromHours(5), 3),
        new(new("CNFOS", "LSG", "Foshan Lanshi", China), "FOSHANHANG", Duration.FromHours(6), 3),
        new(new("CNZQG", "ZQX", "Zhaoqing New Port", China), "XIJIANG", Duration.FromHours(10), 2),
        new(new("CNDGG", "MCT", "Dongguan Machong", China), "DONGGUANHANG", Duration.FromHours(4), 2),
        new(new("CNJMN", "GST", "Jiangmen Gaosha", China), "JIANGMENHANG", Duration.FromHours(6), 2),
    ];

    public static readonly IReadOnlyList<Destination> Destinations =
    [
        new(new("NLRTM", "ECT", "Rotterdam", DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]), Duration.FromDays(33), 3),
        new(new("DEHAM", "CTA", "Hamburg", DateTimeZoneProviders.Tzdb["Europe/Berlin"]), Duration.FromDays(35), 2),
        new(new("SGSIN", "PPT", "Singapore", DateTimeZoneProviders.Tzdb["Asia/Singapore"]), Duration.FromDays(4), 3),
        new(new("MYPKG", "WPT", "Port Klang", DateTimeZoneProviders.Tzdb["Asia/Kuala_Lumpur"]), Duration.FromDays(5), 2),
        new(new("VNSGN", "CLI", "Ho Chi Minh City", DateTimeZoneProviders.Tzdb["Asia/Ho_Chi_Minh"]), Duration.FromDays(3), 2),
        new(new("THLCH", "B5", "Laem Chabang", DateTimeZoneProviders.Tzdb["Asia/Bangkok"]), Duration.FromDays(4), 1),
        new(new("JPTYO", "OHI", "Tokyo", DateTimeZoneProviders.Tzdb["Asia/Tokyo"]), Duration.FromDays(5), 1),
    ];

    public static readonly IReadOnlyList<string> VesselNames =
    [
        "COSCOPRIDE", "CSCLSATURN", "OOCLJAPAN", "EVERGOLDEN", "CMACGMPEARL", "ONEHARMONY",
        "YMWELLNESS", "HMMGDANSK", "ZIMSHENZHEN", "MAERSKHANOI", "APLTEMASEK", "COSCOFAITH",
    ];

    /// <summary>Dalang freight yard, Guangzhou: where the China–Europe trains leave.</summary>
    public static readonly Place Dalang = new("CNDLG", "DLY", "Dalang freight yard", China);

    /// <summary>The Manzhouli border crossing, where containers change from standard- to broad-gauge trains.</summary>
    public static readonly Place Manzhouli = new("CNMZL", "MZL", "Manzhouli", China);

    /// <summary>Moscow, the Vorsino terminal.</summary>
    public static readonly Place Moscow = new("RUMOW", "VRS", "Moscow (Vorsino)", DateTimeZoneProviders.Tzdb["Europe/Moscow"]);

    public static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, int> weight)
    {
        var ticket = random.Next(items.Sum(weight));
        foreach (var item in items)
        {
            ticket -= weight(item);
            if (ticket < 0)
            {
                return item;
            }
        }

        return items[^1];
    }
}
