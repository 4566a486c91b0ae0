using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ConveyanceTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static TransitEvent Move(EventCode code, ContainerNumber container, string vessel, string location, int hour, int minute, int plusDays = 0) =>
        Make.Equipment(code, container, location, Make.ChinaTime(hour, minute, plusDays), TransportMode.VESSEL, vessel);

    [Fact]
    public async Task A_vessel_loaded_and_partly_discharged_in_batches_shows_who_is_aboard()
    {
        var vessel = Ids.Next("VESSEL");
        var containers = Ids.Containers(120);
        foreach (var batch in containers.Chunk(40))
        {
            await Grains.Submit(batch.Select((c, i) => Move(EventCode.LOAD, c, vessel, "CNNSA", 8, i)).ToArray());
        }

        // Every third is discharged at a transhipment port, and the first of those loaded again afterwards.
        var discharged = containers.Where((_, i) => i % 3 == 0).ToList();
        await Grains.Submit(discharged.Select(c => Move(EventCode.DISC, c, vessel, "SGSIN", 6, 0, plusDays: 5)).ToArray());
        await Grains.Submit(Move(EventCode.LOAD, discharged[0], vessel, "SGSIN", 18, 0, plusDays: 5));

        var expected = containers.Except(discharged.Skip(1)).Select(c => c.Value).Order(StringComparer.Ordinal).ToList();
        var view = await Grains.GetGrain<IConveyanceGrain>($"VESSEL/{vessel}").GetView(null);
        Assert.Equal(expected, view!.Aboard);
    }

    [Fact]
    public async Task A_redelivered_or_superseded_move_changes_nothing()
    {
        var vessel = Ids.Next("VESSEL");
        var container = Ids.Container();
        var load = Move(EventCode.LOAD, container, vessel, "CNNSA", 8, 0);
        var disc = Move(EventCode.DISC, container, vessel, "NLRTM", 14, 0, plusDays: 39);
        Assert.Equal([EventOutcome.ACCEPTED, EventOutcome.ACCEPTED], await Grains.Submit(load, disc));

        var conveyance = Grains.GetGrain<IConveyanceGrain>($"VESSEL/{vessel}");
        Assert.Equal([EventOutcome.DUPLICATE], await Grains.Submit(load));
        var earlier = Move(EventCode.LOAD, container, vessel, "CNNSA", 7, 0);
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(earlier)); // a late report of an older move
        Assert.Empty((await conveyance.GetView(null))!.Aboard);
    }

    [Fact]
    public async Task A_vessel_known_only_from_an_estimated_load_is_found_with_no_one_aboard()
    {
        var vessel = Ids.Next("VESSEL");
        var estimated = Move(EventCode.LOAD, Ids.Container(), vessel, "CNNSA", 8, 0) with { Classifier = EventClassifier.EST };
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(estimated));
        var view = await Grains.GetGrain<IConveyanceGrain>($"VESSEL/{vessel}").GetView(null);
        Assert.NotNull(view);
        Assert.Empty(view.Aboard);
        Assert.Null(await Grains.GetGrain<IConveyanceGrain>($"VESSEL/{Ids.Next("VESSEL")}").GetView(null));
    }

    [Fact]
    public void The_stored_state_grows_with_the_containers_not_with_their_moves()
    {
        // 500 containers loaded took 47,919 bytes when every move was kept in full, and 89,919 once they were discharged.
        var state = VesselState(500);
        var serializer = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var loaded = serializer.SerializeToArray(state).Length;
        Assert.True(loaded < 40_000, $"{loaded} bytes");

        foreach (var container in state.Moves.Loaded.ToList())
        {
            state.Moves.Record(Make.Equipment(EventCode.DISC, container, "NLRTM", Make.ChinaTime(8, 0, 39),
                TransportMode.VESSEL, "COSCOPRIDE-047W", $"RTM-20210108-{container.Value[4..10]}") with { ReceivedAt = ClusterFixture.Start });
        }

        Assert.Equal(loaded, serializer.SerializeToArray(state).Length);
    }

    [Fact]
    public void The_stored_state_keeps_every_move_position_through_the_serializer_and_copier()
    {
        var state = VesselState(3);
        var services = fixture.Cluster.Client.ServiceProvider;
        var serializer = services.GetRequiredService<Serializer>();
        ConveyanceState[] copies = [serializer.Deserialize<ConveyanceState>(serializer.SerializeToArray(state))!, services.GetRequiredService<DeepCopier>().Copy(state)!];
        foreach (var copy in copies)
        {
            Assert.Equal(state.Moves.Loaded, copy.Moves.Loaded);
            Assert.False(copy.Moves.IsEmpty);

            // Same code and fold position kept: the moves themselves change nothing, one nanosecond later would.
            Assert.All(Loads(state.Moves.Loaded.ToList()), load => Assert.False(copy.Moves.Record(load)));
            var later = Loads(state.Moves.Loaded.ToList())[0];
            Assert.True(copy.Moves.Record(later with { ReceivedAt = later.ReceivedAt.PlusNanoseconds(1) }));
        }
    }

    private static ConveyanceState VesselState(int containers)
    {
        var numbers = Enumerable.Range(0, containers).Select(i =>
        {
            var firstTen = $"TGRU{i:D6}";
            return ContainerNumber.Parse(firstTen + ContainerNumber.CheckDigit(firstTen));
        }).ToList();
        var state = new ConveyanceState
        {
            Transport = [Make.Transport(EventCode.DEPA, TransportMode.VESSEL, "COSCOPRIDE-047W", "CNNSA", Make.ChinaTime(20, 0), eventId: "NSA-20201130-DEPA")],
        };
        foreach (var load in Loads(numbers))
        {
            state.Moves.Record(load);
        }

        return state;
    }

    private static List<TransitEvent> Loads(IReadOnlyList<ContainerNumber> containers) =>
        containers.Select(c => Make.Equipment(EventCode.LOAD, c, "CNNSA", Make.ChinaTime(8, 0),
            TransportMode.VESSEL, "COSCOPRIDE-047W", $"NSA-20201130-{c.Value[4..10]}") with { ReceivedAt = ClusterFixture.Start }).ToList();
}
