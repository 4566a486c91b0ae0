using TransitGrains.PortSimulator;

namespace TransitGrains.Scenarios.Tests;

/// <summary>
/// The recorded scenarios with their container moves reported as terminals send them, UN/EDIFACT CODECO and COARRI,
/// end in the same states as from JSON. A silo of its own: the JSON replays report the same moves under other ids.
/// </summary>
public sealed class EdifactReplayTests(TransitSilo silo) : IClassFixture<TransitSilo>
{
    private static string Folder(string scenario) => Path.Combine(AppContext.BaseDirectory, "scenarios", scenario);

    [Fact]
    public async Task The_one_port_barge_from_its_terminals_interchanges_ends_as_from_JSON_and_the_interchanges_again_are_DUPLICATE()
    {
        var plan = ScenarioReplayTests.Load(ScenarioReplayTests.FirstRefund);
        var interchanges = ScenarioFiles.Interchanges(Folder(ScenarioReplayTests.FirstRefund));
        // The feeder terminal at Shunde and the Nansha terminal report their gate-ins, loadings and discharges as EDI.
        var reportedAsEdi = plan.Events.Where(e => TerminalEdi.IsContainerMove(e) && e.Location is "CNSUD" or "CNNSA").ToList();
        var rest = plan with { Events = plan.Events.Except(reportedAsEdi).ToList() };
        foreach (var booking in plan.Bookings)
        {
            await silo.Book(booking);
        }

        var answers = new List<EdifactAnswer>();
        foreach (var (_, text) in interchanges)
        {
            answers.Add((await silo.Admin.ReportInterchange(text, CancellationToken.None)).Answer);
        }

        var report = await silo.Run(rest, ScenarioReplayTests.AsRecorded);

        Assert.Equal(3, interchanges.Count);
        var results = answers.SelectMany(a => a.Messages).SelectMany(m => m.Results).ToList();
        Assert.Equal(reportedAsEdi.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Status == "ACCEPTED", $"{r.EventId}: {r.Status} {r.Error}"));
        Assert.True(report.Success, string.Join("\n", report.Mismatches));
        foreach (var (name, text) in interchanges)
        {
            var again = (await silo.Admin.ReportInterchange(text, CancellationToken.None)).Answer;
            Assert.All(again.Messages.SelectMany(m => m.Results), r => Assert.True(r.Status == "DUPLICATE", $"{name} {r.EventId}: {r.Status}"));
        }
    }

    [Fact]
    public async Task The_train_with_its_moves_sent_by_the_simulator_as_EDIFACT_ends_as_from_JSON()
    {
        var report = await silo.Run(ScenarioReplayTests.Load(ScenarioReplayTests.SuiManETrain),
            new DeliveryOptions(BatchSize: 50, Concurrency: 2, Format: WireFormat.Edifact));

        Assert.True(report.Success, string.Join("\n", report.Mismatches));
        Assert.Equal(report.Delivery.UniqueEvents, report.Delivery.Accepted);
    }
}
