using Microsoft.Extensions.DependencyInjection;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ContainerTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Shipments_of_a_container_are_listed_newest_first()
    {
        var container = Ids.Container();
        var container2 = Ids.Container();
        var leg = Make.Leg(TransportMode.BARGE, Ids.Next("BARGE"), "CNSUD", "CNNSA");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var booking = Make.Booking(Ids.Next("CT"), [container2, container], leg);
            await Grains.BookCreated(booking);
            ids.Add(booking.ShipmentId);
            Assert.Equal(ids.AsEnumerable().Reverse(), await BookedOn(container.Value));
            Assert.Equal(CancellationOutcome.Cancelled, (await Grains.GetGrain<IShipmentGrain>(booking.ShipmentId).Cancel()).Outcome);
        }

        Assert.Equal(ids.AsEnumerable().Reverse(), await BookedOn(container2.Value));
        Assert.Empty(await BookedOn(Ids.Container().Value));
    }

    private async Task<IReadOnlyList<string>> BookedOn(string container) =>
        (await fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IShipmentIndex>()
            .PageAsync(new ShipmentQuery(null, null, container, null, 10), CancellationToken.None)).Shipments;
}
