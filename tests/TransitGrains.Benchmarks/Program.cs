// TransitGrains benchmarks. scripts/benchmark.sh starts PostgreSQL and Azurite, builds, and runs:
//   end to end:  TransitGrains.Benchmarks --silo DLL --plain DLL --postgres CONN --queue CONN --pgbin DIR [options, see scripts/benchmark.sh]
//   micro:       TransitGrains.Benchmarks --micro [BenchmarkDotNet arguments]
//   memory only: TransitGrains.Benchmarks --memory-only N   (the managed heap per active shipment on an in-process silo;
//                needs no PostgreSQL or Azurite; the end-to-end run prints the same figure with N from --memory-shipments)
//   listing:     TransitGrains.Benchmarks --listing --silo DLL --postgres CONN [--shipments 100000]   (a page of the shipment
//                listing with that many shipments stored: the query alone and the endpoint; its own database "listing";
//                the end-to-end run ends with the same, --listing-shipments N, 0 to leave it out)
//   EDIFACT:     TransitGrains.Benchmarks --edifact --silo DLL --postgres CONN --queue CONN [--scale 0.5] [--seconds 90] [--concurrency 8]
//                (a day's container moves through POST /api/v1/edifact, 200 EQD groups an interchange; its own database
//                "edifact"; the end-to-end run has the same phase after the steady ingest)
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TransitGrains.Benchmarks;

if (args.Length > 0 && args[0] == "--micro")
{
    // In-process and short: no project is generated and built per benchmark, so this takes seconds, not minutes.
    var config = DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);
    BenchmarkRunner.Run<DomainBenchmarks>(config, args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "--memory-only")
{
    var defaults = new Settings("", "", "", "", "");
    var report = new Report([Targets.Memory]);
    report.Section("TransitGrains, managed heap of active shipments (a silo inside the benchmark process)");
    await ActivationMemory.Run(report, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : defaults.MemoryShipments,
        defaults.BatchSize, defaults.Concurrency);
    return 0;
}

var listing = args.Length > 0 && args[0] == "--listing";
var edifact = args.Length > 0 && args[0] == "--edifact";
var optionArgs = listing || edifact ? args[1..] : args;
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < optionArgs.Length; i += 2)
{
    options[optionArgs[i].TrimStart('-')] = optionArgs[i + 1];
}

string[] known = listing
    ? ["silo", "postgres", "shipments"]
    : edifact ? ["silo", "postgres", "queue", "scale", "seconds", "concurrency"]
    : ["silo", "plain", "postgres", "queue", "pgbin", "scale", "days", "seconds", "steady-rate", "steady-seconds", "steady-batch-size", "silos",
        "concurrency", "batch-size", "trains", "barges", "memory-shipments", "listing-shipments", "equipment-shipments"];
var unknown = optionArgs.Length % 2 != 0 ? "(an option without a value)" : options.Keys.Where(k => !known.Contains(k)).Select(k => $"--{k}").FirstOrDefault();
if (unknown is not null)
{
    // A mistyped option would otherwise leave its default in place unnoticed.
    await Console.Error.WriteLineAsync($"unknown option {unknown}; the options are {string.Join(" ", known.Select(k => $"--{k}"))}");
    return 2;
}

string Required(string name) => options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
int Int(string name, int fallback) => options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
double Double(string name, double fallback) => options.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

// Interrupted (Ctrl-C, or scripts/benchmark.sh stopping), the silos and the plain reference stop too.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => ChildProcess.StopAll());
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => ChildProcess.StopAll());

if (listing)
{
    var listingReport = new Report([Targets.Listing]);
    await ListingBenchmark.Run(listingReport, Required("postgres"), Required("silo"), Int("shipments", new Settings("", "", "", "", "").ListingShipments));
    listingReport.Print();
    return 0;
}

if (edifact)
{
    var edifactReport = new Report([Targets.EdifactIngest]);
    var edifactSettings = new Settings(Required("silo"), "", Required("postgres"), Required("queue"), "");
    await EdifactIngest.Alone(edifactReport, edifactSettings with
    {
        Scale = Double("scale", edifactSettings.Scale),
        IngestSeconds = Int("seconds", edifactSettings.IngestSeconds),
        Concurrency = Int("concurrency", edifactSettings.Concurrency),
    });
    edifactReport.Print();
    return 0;
}

var settings = new Settings(Required("silo"), Required("plain"), Required("postgres"), Required("queue"), Required("pgbin"));
settings = settings with
{
    Scale = Double("scale", settings.Scale),
    Days = Int("days", settings.Days),
    IngestSeconds = Int("seconds", settings.IngestSeconds),
    SteadyRate = Double("steady-rate", settings.SteadyRate),
    SteadySeconds = Int("steady-seconds", settings.SteadySeconds),
    SteadyBatchSize = Int("steady-batch-size", settings.SteadyBatchSize),
    Silos = Int("silos", settings.Silos),
    Concurrency = Int("concurrency", settings.Concurrency),
    BatchSize = Int("batch-size", settings.BatchSize),
    Trains = Int("trains", settings.Trains),
    Barges = Int("barges", settings.Barges),
    MemoryShipments = Int("memory-shipments", settings.MemoryShipments),
    ListingShipments = Int("listing-shipments", settings.ListingShipments),
    EquipmentShipments = Int("equipment-shipments", settings.EquipmentShipments),
};
return await EndToEnd.Run(settings);
