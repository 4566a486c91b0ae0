using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.PortSimulator;

namespace TransitGrains.Scenarios.Tests;

/// <summary>
/// Every location code the project ships (its refund notices, recorded scenarios, simulator network and README
/// walk-throughs) is one of <see cref="KnownLocations"/>: a code that does not exist, as CNSDE did for Shunde, fails here
/// instead of reaching a user who copies it.
/// </summary>
public sealed partial class LocationCodeTests
{
    private static readonly string Root = Repository.Root;

    [Fact]
    public void The_shipped_refund_notices_name_known_locations()
    {
        var configuration = new ConfigurationBuilder().SetBasePath(Path.Combine(Root, "silo", "TransitGrains.Silo"))
            .AddJsonFile("appsettings.json")
            .AddJsonFile("appsettings.Development.json", optional: true)
            .Build();
        var notices = configuration.GetSection(TaxRefundOptions.Section).Get<TaxRefundOptions>()!.ToPolicyBook().Policies;

        Assert.NotEmpty(notices);
        AssertKnown("appsettings.json", notices.SelectMany(p => p.DeparturePorts.Concat(p.ExitPorts)).Select(c => c.Value));
    }

    [Fact]
    public void The_recorded_scenarios_name_known_locations()
    {
        var folders = Directory.GetDirectories(Path.Combine(Root, "client-samples", "scenarios"));
        Assert.NotEmpty(folders);
        foreach (var folder in folders)
        {
            var plan = ScenarioFiles.Load(folder);
            var expected = plan.Expected;
            IEnumerable<string?> codes =
            [
                .. plan.Bookings.SelectMany(b => b.Legs).SelectMany(l => new[] { l.From, l.To }),
                .. plan.Events.Select(e => e.Location),
                .. expected.Shipments.SelectMany(s => new[]
                {
                    s.TaxRefund?.DeparturePort, s.TaxRefund?.ExitPort, s.Customs?.Location, s.EveryContainer?.Location,
                }),
                .. expected.Shipments.SelectMany(s => s.Containers ?? []).Select(c => c.Location),
                .. (expected.Conveyances ?? []).Select(c => c.LastLocation),
                .. (expected.Conveyances ?? []).SelectMany(c => c.Calls ?? []).Select(call => call.Split(' ')[^1]),
            ];
            AssertKnown(Path.GetFileName(folder), codes.OfType<string>());
        }
    }

    [Fact]
    public void The_simulator_network_names_known_locations() =>
        AssertKnown("the simulator's network",
        [
            Network.Nansha.Code, Network.Dalang.Code, Network.Manzhouli.Code, Network.Moscow.Code,
            .. Network.Feeders.Select(f => f.Place.Code),
            .. Network.Destinations.Select(d => d.Place.Code),
        ]);

    /// <summary>
    /// The READMEs are prose, so every word shaped like a UN/LOCODE of a country the project knows counts (a word like
    /// BARGE has the shape too, but BA is not such a country).
    /// </summary>
    [Theory]
    [InlineData("README.md")]
    [InlineData("client-samples/scenarios/README.md")]
    public void The_README_walk_throughs_name_known_locations(string readme)
    {
        var countries = KnownLocations.All.Select(l => l.Code.Country).ToHashSet();
        var words = LocodeShaped().Matches(File.ReadAllText(Path.Combine(Root, readme))).Select(m => m.Value).ToList();
        var codes = words.Where(w => countries.Contains(w[..2])).ToList();

        Assert.NotEmpty(codes);
        AssertKnown(readme, codes);
    }

    private static void AssertKnown(string where, IEnumerable<string> codes)
    {
        var unknown = codes.Distinct().Where(c => !UnLocode.TryParse(c, out var code) || KnownLocations.Find(code) is null).Order().ToList();
        Assert.True(unknown.Count == 0, $"{where} names location codes the project does not know: {string.Join(", ", unknown)}");
    }

    [GeneratedRegex(@"\b[A-Z]{2}[A-Z2-9]{3}\b")]
    private static partial Regex LocodeShaped();
}
