using System.Globalization;
using NodaTime;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// One shipment of the tax-refund tests: its own containers, barge and vessel, so that a TRANSPORT event of one
/// test never reaches another's shipment; the barge leaves <see cref="From"/> on <see cref="Day"/> (China time)
/// and the vessel leaves the exit port the day after.
/// </summary>
public sealed record RefundJourney(string ShipmentId, IReadOnlyList<string> Containers, string Barge, string Vessel, LocalDate Day, string From)
{
    public const string ExitPort = "CNNSA";

    private static int _serial = Random.Shared.Next(100_000, 800_000);

    public static RefundJourney Departing(LocalDate day, string from = "CNSUD", int containers = 1)
    {
        var n = Interlocked.Increment(ref _serial);
        var numbers = Enumerable.Range(0, containers).Select(_ => Scenario.Container(Interlocked.Increment(ref _serial) % 1_000_000)).ToList();
        return new RefundJourney($"TAX-{n}", numbers, $"BARGE-{n}", $"VESSEL-{n}", day, from);
    }

    /// <summary>Today's date in China, where the refund's days are counted.</summary>
    public static LocalDate ChinaToday(Instant now) => now.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date;

    public string Container0 => Containers[0];

    public string DeclarationNumber => $"5301{ShipmentId}";

    public const string ExporterTaxId = "91440600MA4WXXXX1X";

    /// <summary>The deadline under a policy of <paramref name="exitDeadlineDays"/>, as the contract writes it.</summary>
    public string Deadline(int exitDeadlineDays) => $"{Date(Day.PlusDays(exitDeadlineDays))}T23:59:59+08:00";

    public object Booking(bool declared = true, bool dangerousGoods = false, string? bargeTo = null) => new
    {
        shipmentId = ShipmentId,
        forwarder = "FWD-DEMO",
        containers = Containers,
        tradeMode = "GENERAL",
        exportDeclaration = declared ? new { number = DeclarationNumber, exporterTaxId = ExporterTaxId, dangerousGoods } : null,
        legs = new object[]
        {
            new { mode = "BARGE", conveyanceId = Barge, from = From, to = bargeTo ?? ExitPort },
            new { mode = "VESSEL", conveyanceId = Vessel, from = bargeTo ?? ExitPort, to = "NLRTM" },
        },
    };

    public string ReleasedAt => At(Day, 8, 40);

    public string BargeDepartedAt => At(Day, 9, 12);

    public string VesselDepartedAt => At(Day.PlusDays(1), 12, 0);

    public IEnumerable<PortEvent> Release() => Containers.Select(c => Customs("CUSR", c, From, ReleasedAt));

    public IEnumerable<PortEvent> LoadOnBarge() => Containers.Select(c => Equipment("LOAD", c, From, At(Day, 8, 55), "BARGE", Barge));

    public PortEvent BargeDeparture() => Transport("DEPA", From, BargeDepartedAt, "BARGE", Barge);

    /// <summary>Released, loaded, departed: everything REFUND_ELIGIBLE waits for.</summary>
    public IEnumerable<PortEvent> ReleaseLoadAndDepart() => [.. Release(), .. LoadOnBarge(), BargeDeparture()];

    /// <summary>The barge arrives at the exit port and its containers are discharged there.</summary>
    public IEnumerable<PortEvent> ArriveAtExitPort() =>
    [
        Transport("ARRI", ExitPort, At(Day, 16, 50), "BARGE", Barge),
        .. Containers.Select(c => Equipment("DISC", c, ExitPort, At(Day, 18, 10), "BARGE", Barge)),
    ];

    public IEnumerable<PortEvent> LeaveOnTheVessel() =>
    [
        .. Containers.Select(c => Equipment("LOAD", c, ExitPort, At(Day.PlusDays(1), 10, 30), "VESSEL", Vessel)),
        Transport("DEPA", ExitPort, VesselDepartedAt, "VESSEL", Vessel),
    ];

    public PortEvent GateOutAtExitPort() => Equipment("GTOT", Container0, ExitPort, At(Day.PlusDays(1), 9, 0));

    public PortEvent DeclarationRevoked() => Customs("CUSX", Container0, From, At(Day, 11, 0));

    public string MessageId(string kind) => $"{ShipmentId}:{kind}";

    private PortEvent Customs(string code, string container, string location, string at) =>
        new($"{ShipmentId}-{code}-{container}-{location}", "CUSTOMS", code, at, location, ContainerNumber: container);

    private PortEvent Equipment(string code, string container, string location, string at, string? mode = null, string? conveyanceId = null) =>
        new($"{ShipmentId}-{code}-{container}-{location}", "EQUIPMENT", code, at, location, mode, conveyanceId, container);

    private PortEvent Transport(string code, string location, string at, string mode, string conveyanceId) =>
        new($"{ShipmentId}-{code}-{conveyanceId}-{location}", "TRANSPORT", code, at, location, mode, conveyanceId);

    private static string At(LocalDate day, int hour, int minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{Date(day)}T{hour:00}:{minute:00}:00+08:00");

    private static string Date(LocalDate day) => day.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
}
