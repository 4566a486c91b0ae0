using Xunit.Abstractions;

namespace TransitGrains.Integration.Tests;

/// <summary>A silo killed with SIGKILL under load loses no acknowledged event and applies none twice.</summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    /// <summary>Seeds to try before giving up on a kill that cuts requests off (each try is a fresh database and silo).</summary>
    private const int Attempts = 4;

    [Fact]
    public async Task Every_acknowledged_event_survives_a_SIGKILL_under_load_and_resending_the_stream_stores_each_event_once()
    {
        // A kill that cut off no request (the stream finished first, or every request in flight was answered in time)
        // would be a kill at rest: it proves nothing about load, so it is tried again with another seed.
        Crash? crash = null;
        for (var attempt = 1; crash is null; attempt++)
        {
            Assert.True(attempt <= Attempts, $"none of {Attempts} kills landed while requests were in flight");
            crash = await KillUnderLoadAsync(attempt == 1 ? TestServices.Seed() : Random.Shared.Next());
        }

        await AfterCrash.VerifyAsync(output, crash.Traffic, crash.First, crash.Settings, crash.SiloPort);
    }

    /// <summary>
    /// Drives seeded traffic at a silo on a fresh database and SIGKILLs it part-way; null when no request was in flight
    /// at the kill and cut off by it.
    /// </summary>
    private async Task<Crash?> KillUnderLoadAsync(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var traffic = PortTraffic.Generate(random, "CR", shipments: 30, barges: 4, vessels: 2, lateBookings: 6);
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Transit"] = await TestServices.CreateDatabaseAsync() };

        var first = new TrafficRun(traffic.Steps);
        await using var silo = await SiloProcess.StartAsync(settings);
        using var client = silo.Client();
        var killAfter = random.Next(traffic.Steps.Count * 3 / 10, traffic.Steps.Count * 8 / 10);
        var delay = random.Next(0, 30);
        using var stop = new CancellationTokenSource();
        // Eight at a time: on a busy machine some requests then are still inside the silo, not only answered and
        // waiting in this process's buffers, when the kill lands.
        var driving = first.RunAsync([client], workers: 8, stop.Token);
        await Poll.UntilAsync(() => first.Answered >= killAfter || driving.IsCompleted, TimeSpan.FromMinutes(2), $"{killAfter} answered requests");
        await Task.Delay(delay);
        var inFlight = first.InFlight();
        var killing = silo.KillAsync(); // SIGKILL is sent before this returns
        stop.Cancel(); // the requests in flight die with the silo; no new ones
        await killing;
        await driving;

        var cutOff = first.CutOff(inFlight);
        output.WriteLine($"SIGKILL after {killAfter} answered requests + {delay} ms: {inFlight.Count} requests in flight, {cutOff.Count} of them cut off; "
            + $"{first.Failed.Count()} requests failed, {first.Outcomes.Count(o => o is null)} of {traffic.Steps.Count} not sent");
        return cutOff.Count > 0 ? new Crash(traffic, first, settings, silo.SiloPort) : null;
    }

    private sealed record Crash(PortTraffic Traffic, TrafficRun First, Dictionary<string, string> Settings, int SiloPort);
}
