// TransitGrains benchmarks (issue 6). scripts/benchmark.sh starts PostgreSQL and Azurite, builds, and runs:
//   end to end:  TransitGrains.Benchmarks --silo DLL --plain DLL --postgres CONN --queue CONN --pgbin DIR [--scale 0.5] [--seconds 90]
//   micro:       TransitGrains.Benchmarks --micro [BenchmarkDotNet arguments]
//   memory only: TransitGrains.Benchmarks --memory-only N   (the managed heap per active shipment on an in-process silo;
//                needs no PostgreSQL or Azurite; the end-to-end run prints the same figure with N from --memory-shipments)
//   listing:     TransitGrains.Benchmarks --listing --silo DLL --postgres CONN [--shipments 100000]   (a page of the shipment
//                listing with that many shipments stored: the query alone and the endpoint; its own database "listing")
using System.Globalization;
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
    var report = new Report();
    report.Section("TransitGrains, managed heap of active shipments (a silo inside the benchmark process)");
    await ActivationMemory.Run(report, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : defaults.MemoryShipments,
        defaults.BatchSize, defaults.Concurrency);
    return 0;
}

var listing = args.Length > 0 && args[0] == "--listing";
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = listing ? 1 : 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Required(string name) => options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
int Int(string name, int fallback) => options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

if (listing)
{
    var listingReport = new Report();
    await ListingBenchmark.Run(listingReport, Required("postgres"), Required("silo"), Int("shipments", 100_000));
    listingReport.Print();
    return 0;
}

var settings = new Settings(Required("silo"), Required("plain"), Required("postgres"), Required("queue"), Required("pgbin"))
{
    Scale = options.TryGetValue("scale", out var scale) ? double.Parse(scale, CultureInfo.InvariantCulture) : 0.5,
};
settings = settings with
{
    IngestSeconds = Int("seconds", settings.IngestSeconds),
    Concurrency = Int("concurrency", settings.Concurrency),
    BatchSize = Int("batch-size", settings.BatchSize),
    Trains = Int("trains", settings.Trains),
    Barges = Int("barges", settings.Barges),
    MemoryShipments = Int("memory-shipments", settings.MemoryShipments),
};
return await EndToEnd.Run(settings);
