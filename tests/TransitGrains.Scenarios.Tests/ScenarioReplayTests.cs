using TransitGrains.PortSimulator;

namespace TransitGrains.Scenarios.Tests;

/// <summary>The recorded scenarios of client-samples/scenarios, replayed as their README says, end as their expected.json says.</summary>
[Collection(SiloCollection.Name)]
public sealed class ScenarioReplayTests(TransitSilo silo)
{
    public const string FirstRefund = "suigang903-2020-11-30";
    public const string SuiManETrain = "suimane-x8426-2021-01-15";

    /// <summary>One event per request, in file order: the order in which the port systems reported them.</summary>
    public static readonly DeliveryOptions AsRecorded = new(BatchSize: 1, Concurrency: 1);

    public static SimulationPlan Load(string scenario) => ScenarioFiles.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", scenario));

    [Theory]
    [InlineData(FirstRefund)]
    [InlineData(SuiManETrain)]
    public async Task Replay_ends_in_the_expected_state(string scenario)
    {
        var report = await silo.Run(Load(scenario), AsRecorded);

        Assert.True(report.Success, string.Join("\n", report.Mismatches));
        Assert.Equal(report.Delivery.UniqueEvents, report.Delivery.Accepted + report.Delivery.Duplicate);
    }

    [Fact]
    public void The_train_scenario_is_a_45_container_train_of_about_15_days_with_a_gauge_change()
    {
        var plan = Load(SuiManETrain);

        Assert.Equal(45, plan.ContainerCount);
        var departure = plan.Events.Single(e => e.EventCode == "DEPA" && e.Location == "CNDLG").EventDateTime.ToInstant();
        var arrival = plan.Events.Single(e => e.EventCode == "ARRI" && e.Classifier == "ACT" && e.Location == "RUMOW").EventDateTime.ToInstant();
        Assert.InRange((arrival - departure).TotalDays, 14, 16);
        var trains = plan.Events.Where(e => e.ModeOfTransport == "RAIL").Select(e => e.ConveyanceId).Distinct().ToList();
        Assert.Equal(2, trains.Count); // standard gauge to Manzhouli, broad gauge from there
        Assert.Equal(45, plan.Events.Count(e => e.EventCode == "LOAD" && e.Location == "CNMZL" && e.ConveyanceId == trains[1]));
    }
}
