// A port-event simulator and load driver for TransitGrains: generates a realistic day (or loads a recorded
// scenario), books its shipments, sends its events as port systems do (batches, retries, duplicates, late
// feeds), and verifies that every shipment ended where it should. Exit code 0 only when everything matched.
using System.CommandLine;
using NodaTime;
using NodaTime.Text;
using TransitGrains.PortSimulator;

var url = new Option<string>("--url") { Description = "The TransitGrains API (default: env TRANSIT_URL, else http://127.0.0.1:5080)", Recursive = true };
// No DefaultValueFactory: --help prints defaults, and the key may be a real one from the environment.
var apiKey = new Option<string>("--api-key") { Description = "An admin key: it books for the forwarder and reports everywhere (default: env TRANSIT_ADMIN_KEY, else dev-admin-key)", Recursive = true };
var forwarder = new Option<string>("--forwarder") { Description = "Forwarder the shipments are booked for", DefaultValueFactory = _ => "FWD-DEMO", Recursive = true };

var scale = new Option<double>("--scale") { Description = $"Share of Nansha's {DayOptions.NanshaContainersPerDay} containers a day (and of {DayOptions.TrainsPerDay} trains, at least one)", DefaultValueFactory = _ => 0.1 };
var seed = new Option<int>("--seed") { Description = "Same seed, same day (and the same ids: a rerun is all duplicates)", DefaultValueFactory = _ => 1 };
var start = new Option<string>("--start") { Description = "The day's date (yyyy-MM-dd, China); default 45 days ago, so every event is history and no refund deadline has passed" };
var dryRun = new Option<bool>("--dry-run") { Description = "Only describe the day; send nothing" };

var (generateDelivery, readGenerateDelivery) = DeliveryOptionsOf(batchSize: 200, concurrency: 4, duplicates: 0.02, outOfOrder: 0.05);
var root = new RootCommand("Simulates a day of one-port barges into Nansha and China–Europe trains against TransitGrains, then verifies every shipment.")
{
    url, apiKey, forwarder, scale, seed, start, dryRun,
};
generateDelivery.ForEach(root.Options.Add);

var folder = new Argument<DirectoryInfo>("FOLDER") { Description = "A folder with bookings.json, events.json and expected.json (see client-samples/scenarios)" };
var (replayDelivery, readReplayDelivery) = DeliveryOptionsOf(batchSize: 1, concurrency: 1, duplicates: 0, outOfOrder: 0);
var replay = new Command("replay", "Replays a recorded scenario, by default one event per request in file order, and checks its expected end state") { folder };
replayDelivery.ForEach(replay.Options.Add);
root.Subcommands.Add(replay);

root.SetAction(async (parse, ct) =>
{
    var now = SystemClock.Instance.GetCurrentInstant();
    var day = parse.GetValue(start) is { } text
        ? LocalDatePattern.Iso.Parse(text).GetValueOrThrow()
        : PlanClock.DefaultStart(now);
    var plan = DayGenerator.Generate(new DayOptions(day, parse.GetValue(scale), parse.GetValue(seed), parse.GetRequiredValue(forwarder)));
    Console.WriteLine($"Day {day:uuuu-MM-dd}: {plan.Bookings.Count} shipments, {plan.ContainerCount} containers, {plan.Events.Count} events, "
        + $"{plan.Expected.Conveyances?.Count ?? 0} conveyances.");
    if (PlanClock.Problem(plan, now) is { } problem)
    {
        Console.Error.WriteLine($"--start {day:uuuu-MM-dd}: {problem}.");
        return 2;
    }

    return parse.GetValue(dryRun) ? 0 : await Run(parse, plan, readGenerateDelivery(parse), ct);
});

replay.SetAction(async (parse, ct) =>
    await Run(parse, ScenarioFiles.Load(parse.GetRequiredValue(folder).FullName), readReplayDelivery(parse), ct));

return await root.Parse(args).InvokeAsync();

async Task<int> Run(ParseResult parse, SimulationPlan plan, DeliveryOptions delivery, CancellationToken ct)
{
    var baseAddress = new Uri(parse.GetValue(url) ?? (Environment.GetEnvironmentVariable("TRANSIT_URL") is { Length: > 0 } u ? u : "http://127.0.0.1:5080"));
    var key = parse.GetValue(apiKey) ?? (Environment.GetEnvironmentVariable("TRANSIT_ADMIN_KEY") is { Length: > 0 } k ? k : "dev-admin-key");
    using var api = new TransitApi(baseAddress, key, connections: Math.Max(8, delivery.Concurrency * 2));
    try
    {
        var report = await new SimulationRunner(api, new Progress(Console.Error, live: !Console.IsErrorRedirected))
            .Run(plan, delivery, parse.GetRequiredValue(forwarder), ct);
        report.Write(Console.Out);
        return report.Success ? 0 : 1;
    }
    catch (HttpRequestException ex)
    {
        Console.Error.WriteLine(ex.StatusCode is null ? $"cannot reach {baseAddress}: {ex.Message}" : ex.Message);
        return 2;
    }
}

// The delivery options, with defaults that suit the command (a load run or a faithful replay).
static (List<Option> Options, Func<ParseResult, DeliveryOptions> Read) DeliveryOptionsOf(int batchSize, int concurrency, double duplicates, double outOfOrder)
{
    var rate = new Option<double>("--rate") { Description = "Events a second at most; 0 sends as fast as the service answers", DefaultValueFactory = _ => 0 };
    var batch = new Option<int>("--batch-size") { Description = "Events per request (1-1000)", DefaultValueFactory = _ => batchSize };
    var parallel = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => concurrency };
    var dup = new Option<double>("--duplicates") { Description = "Share of events sent twice (0-1)", DefaultValueFactory = _ => duplicates };
    var late = new Option<double>("--out-of-order") { Description = "Share of events held back by up to three batches (0-1)", DefaultValueFactory = _ => outOfOrder };
    var deliverySeed = new Option<int>("--delivery-seed") { Description = "Seed of the duplicates and hold-backs", DefaultValueFactory = _ => 1 };
    var format = new Option<WireFormat>("--format")
    {
        Description = "json: every event in JSON batches; edifact: container moves as terminals send them (CODECO, COARRI), one "
            + "interchange per batch, the rest in JSON. A terminal resends whole interchanges, so --duplicates is not applied to edifact",
        DefaultValueFactory = _ => WireFormat.Json,
    };
    return ([rate, batch, parallel, dup, late, deliverySeed, format], parse => new DeliveryOptions(
        Math.Clamp(parse.GetValue(batch), 1, 1000), parse.GetValue(rate), parse.GetValue(parallel),
        parse.GetValue(format) == WireFormat.Edifact ? 0 : parse.GetValue(dup), parse.GetValue(late), parse.GetValue(deliverySeed), parse.GetValue(format)));
}
