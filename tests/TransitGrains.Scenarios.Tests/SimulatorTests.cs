using System.Text.Json;
using NodaTime;
using TransitGrains.Domain.Identifiers;
using TransitGrains.PortSimulator;

namespace TransitGrains.Scenarios.Tests;

[Collection(SiloCollection.Name)]
public sealed class SimulatorTests(TransitSilo silo)
{
    private static DayOptions Day(double scale, int seed) => new(PlanClock.DefaultStart(TransitSilo.Now), scale, seed);

    [Fact]
    public async Task A_small_day_with_duplicates_and_late_events_reaches_the_expected_state_and_a_rerun_is_all_duplicates()
    {
        var plan = DayGenerator.Generate(Day(0.015, seed: 7));
        Assert.Null(PlanClock.Problem(plan, TransitSilo.Now));
        var messy = new DeliveryOptions(BatchSize: 40, Concurrency: 4, Duplicates: 0.15, OutOfOrder: 0.25, Seed: 11);

        var first = await silo.Run(plan, messy);
        Assert.True(first.Success, string.Join("\n", first.Mismatches));
        Assert.True(first.Delivery.Sent > first.Delivery.UniqueEvents, "some events were sent twice");
        Assert.Equal(first.Delivery.UniqueEvents, first.Delivery.Accepted);

        var again = await silo.Run(plan, messy with { Seed = 12 });
        Assert.True(again.Success, string.Join("\n", again.Mismatches));
        Assert.Equal(plan.Bookings.Count, again.AlreadyBooked);
        Assert.Equal(0, again.Delivery.Accepted);
    }

    [Fact]
    public void Late_delivery_really_puts_events_out_of_time_order()
    {
        var plan = DayGenerator.Generate(Day(0.01, seed: 2));
        var sent = Delivery.Batches(plan.Events, new DeliveryOptions(BatchSize: 10, OutOfOrder: 0.2)).SelectMany(b => b).ToList();

        var inversions = sent.Zip(sent.Skip(1)).Count(p => p.First.EventDateTime.ToInstant() > p.Second.EventDateTime.ToInstant() && p.First.Classifier == "ACT" && p.Second.Classifier == "ACT");
        Assert.True(inversions > 10, $"{inversions} inversions");
        Assert.Equal(plan.Events.Select(e => e.EventId).Order(), sent.Select(e => e.EventId).Order());
    }

    [Fact]
    public void The_same_seed_gives_the_same_day_and_another_seed_another()
    {
        string Json(SimulationPlan p) => JsonSerializer.Serialize(p, WireJson.Options);

        Assert.Equal(Json(DayGenerator.Generate(Day(0.02, 5))), Json(DayGenerator.Generate(Day(0.02, 5))));
        Assert.NotEqual(Json(DayGenerator.Generate(Day(0.02, 5))), Json(DayGenerator.Generate(Day(0.02, 6))));
    }

    [Fact]
    public void Scale_one_is_Nanshas_day_and_trains_carry_41_to_50_containers_via_Manzhouli()
    {
        var plan = DayGenerator.Generate(Day(1.0, 1));

        var viaNansha = plan.Bookings.Where(b => b.Legs[0].Mode == "BARGE").ToList();
        Assert.Equal(DayOptions.NanshaContainersPerDay, viaNansha.Sum(b => b.Containers.Count));
        Assert.All(viaNansha, b => Assert.Equal(["CNNSA", "CNNSA"], new[] { b.Legs[0].To, b.Legs[1].From }));
        Assert.Equal(["CNDGG", "CNFOS", "CNJMN", "CNSUD", "CNZQG"], viaNansha.Select(b => b.Legs[0].From).Distinct().Order());

        var trains = plan.Bookings.Where(b => b.Legs[0].Mode == "RAIL").GroupBy(b => b.Legs[0].ConveyanceId).ToList();
        Assert.Equal(DayOptions.TrainsPerDay, trains.Count);
        Assert.All(trains, t => Assert.InRange(t.Sum(b => b.Containers.Count), 41, 50));
        Assert.All(trains, t => Assert.Contains(plan.Events, e => e.ConveyanceId == t.Key && e.EventCode == "ARRI" && e.Location == "CNMZL"));
    }

    [Fact]
    public void Every_generated_container_number_is_a_valid_ISO_6346_number_and_used_once()
    {
        var numbers = DayGenerator.Generate(Day(0.2, 9)).Bookings.SelectMany(b => b.Containers).ToList();

        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        // The simulator's own check digit agrees with the service's.
        Assert.All(numbers, n => Assert.True(ContainerNumber.TryParse(n, out _, out var error), $"{n}: {error}"));
        Assert.All(["CSQU3054383", "APZU4812090", "ZEPU0037255"], n => Assert.True(ContainerNumbers.IsValid(n), n));
        Assert.False(ContainerNumbers.IsValid("MSCU6639871"));
    }

    [Fact]
    public void A_start_too_recent_or_too_old_is_refused_before_anything_is_sent()
    {
        var today = TransitSilo.Now.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date;

        Assert.Contains("future", PlanClock.Problem(DayGenerator.Generate(new DayOptions(today.PlusDays(-3), 0.01, 1)), TransitSilo.Now));
        Assert.Contains("deadline", PlanClock.Problem(DayGenerator.Generate(new DayOptions(today.PlusDays(-90), 0.01, 1)), TransitSilo.Now));
    }
}
