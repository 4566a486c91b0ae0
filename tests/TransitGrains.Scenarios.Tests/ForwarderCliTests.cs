using System.Text.Json;
using NodaTime;
using TransitGrains.ForwarderCli;
using TransitGrains.PortSimulator;

namespace TransitGrains.Scenarios.Tests;

/// <summary>The forwarder CLI against the real API, with the development forwarder key.</summary>
[Collection(SiloCollection.Name)]
public sealed class ForwarderCliTests(TransitSilo silo)
{
    private Task<(int Code, string Output)> Cli(params string[] args) => silo.Cli(new WatchedOutput(), args);

    private Task<(int Code, string Output)> Cli(WatchedOutput output, params string[] args) => silo.Cli(output, args);

    [Fact]
    public async Task Book_from_a_file_show_list_and_watch_until_completed()
    {
        var (id, container, barge, vessel) = (Unique.Id("CLI"), Unique.Container(), Unique.Id("SUIGANG906"), Unique.Id("EVERGOLDEN-090S"));
        var (shunde, nansha, singapore) = (Network.Feeders[0].Place, Network.Nansha, Network.Destinations.Single(d => d.Place.Code == "SGSIN").Place);
        var t0 = TransitSilo.Now - Duration.FromDays(3);
        var file = Path.Combine(Path.GetTempPath(), $"{id}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new Booking(id, null, [container], "GENERAL", null,
            [new("BARGE", barge, shunde.Code, nansha.Code, shunde.Local(t0), nansha.Local(t0 + Duration.FromHours(5))),
             new("VESSEL", vessel, nansha.Code, singapore.Code, nansha.Local(t0 + Duration.FromHours(30)), singapore.Local(t0 + Duration.FromDays(5)))]), WireJson.Options));

        var booked = await Cli("book", file);
        Assert.True(booked.Code == 0, booked.Output);
        Assert.Contains($"booked: {id} (1 containers, CNSUD -> CNNSA -> SGSIN), status BOOKED", booked.Output);
        Assert.Contains($"already booked: {id}", (await Cli("book", file)).Output);

        // The terminal reports the departure in UTC; the service answers it in Shunde's time, and so the CLI shows it.
        await silo.Report(
            PortEvents.Equipment(id, "LOAD", container, shunde, t0 - Duration.FromHours(1), "BARGE", barge),
            PortEvents.Transport("DEPA", "BARGE", barge, shunde, t0) with { EventDateTime = t0.WithOffset(Offset.Zero) });
        var shown = await Cli("show", id);
        Assert.Equal(0, shown.Code);
        Assert.Contains($"{container}  ON_CONVEYANCE  CNSUD     {barge}", shown.Output);
        Assert.Contains($"{LocalTimes.Format(shunde.Local(t0))} act", shown.Output);
        Assert.EndsWith("+08:00", LocalTimes.Format(shunde.Local(t0)));
        // Every timeline row names its reporter: here the admin key, by its default name (the start of its SHA-256).
        Assert.Contains("REPORTED BY", shown.Output);
        var reporter = TransitGrains.Api.ApiKeyRegistry.Hash(TransitSilo.AdminKey)[..8];
        Assert.Equal(2, shown.Output.Split('\n').Count(line => line.TrimEnd().EndsWith($"  {reporter}", StringComparison.Ordinal)));

        var listed = await Cli("list", "--container", container);
        Assert.Contains($"{id}  IN_TRANSIT  CNSUD  SGSIN", listed.Output);

        // Each report waits until watch has shown the state before it, so that watch sees every step.
        var watchOutput = new WatchedOutput();
        var watching = Cli(watchOutput, "watch", id, "--interval", "1");
        await watchOutput.WaitForAsync($"{id}  IN_TRANSIT");
        await silo.Report(
            PortEvents.Transport("ARRI", "BARGE", barge, nansha, t0 + Duration.FromHours(5)),
            PortEvents.Equipment(id, "DISC", container, nansha, t0 + Duration.FromHours(6), "BARGE", barge));
        await watchOutput.WaitForAsync($"container {container}: ON_CONVEYANCE on {barge} (last seen CNSUD) -> AT_FACILITY at CNNSA");
        var arrival = t0 + Duration.FromDays(2);
        await silo.Report(
            PortEvents.Equipment(id, "LOAD", container, nansha, t0 + Duration.FromHours(20), "VESSEL", vessel),
            PortEvents.Transport("DEPA", "VESSEL", vessel, nansha, t0 + Duration.FromHours(30)),
            PortEvents.Transport("ARRI", "VESSEL", vessel, singapore, arrival),
            PortEvents.Equipment(id, "DISC", container, singapore, arrival + Duration.FromHours(2), "VESSEL", vessel));
        var watched = await watching.WaitAsync(WatchedOutput.Ceiling);

        Assert.True(watched.Code == 0, watched.Output);
        Assert.Contains("status: IN_TRANSIT -> COMPLETED", watched.Output);
        Assert.Contains($"{LocalTimes.Format(singapore.Local(arrival))}  SGSIN  ARRI", watched.Output);
        Assert.EndsWith($"{id} is COMPLETED.{Environment.NewLine}", watched.Output);
    }

    [Fact]
    public async Task A_shipment_the_key_may_not_see_is_a_not_found_problem_and_exit_code_1()
    {
        var shown = await Cli("show", "NO-SUCH-SHIPMENT");

        Assert.Equal(1, shown.Code);
        Assert.Contains("404", shown.Output);
        Assert.Contains("NO-SUCH-SHIPMENT", shown.Output);
    }

    [Theory]
    [InlineData("2020-11-30T09:12:00+08:00", "2020-11-30 09:12 +08:00")]
    [InlineData("2021-07-08T14:20:00+02:00", "2021-07-08 14:20 +02:00")]
    [InlineData("2021-01-10T09:00:00+06:00", "2021-01-10 09:00 +06:00")]
    [InlineData("2021-01-10T03:00:00Z", "2021-01-10 03:00 +00:00")]
    public void Times_are_shown_with_the_offset_the_service_answered(string answered, string shown)
    {
        var time = NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(answered).Value;

        Assert.Equal(shown, LocalTimes.Format(time));
    }
}
