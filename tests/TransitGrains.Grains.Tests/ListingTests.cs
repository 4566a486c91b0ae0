using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// The shipment's listing row (forwarder, status, booking time) is journaled with the booking and with every decision
/// that changes its status, so the listing shows what is durable, whichever silo asks and whether or not it is active.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ListingTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IServiceProvider Silo => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;

    private IShipmentIndex Index => Silo.GetRequiredService<IShipmentIndex>();

    [Fact]
    public async Task Each_decision_lists_the_shipment_with_the_status_it_makes()
    {
        var (booking, load) = await Booked();
        var container = booking.Containers[0].Value;
        Assert.Equal(ShipmentStatus.BOOKED, await ListedStatus(booking.ShipmentId, container));

        await Grains.Submit(load);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, await ListedStatus(booking.ShipmentId, container));

        await Grains.GetGrain<IShipmentGrain>(booking.ShipmentId).Cancel();
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(ShipmentStatus.CANCELLED, await ListedStatus(booking.ShipmentId, container));
    }

    [Fact]
    public async Task Events_for_a_shipment_never_booked_list_nothing()
    {
        var barge = Ids.Next("LB");
        var shipment = Grains.GetGrain<IShipmentGrain>(Ids.Next("UNBOOKED"));
        await Grains.Submit(Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 0)));
        await shipment.WakeUp();

        Assert.Null(await shipment.GetView(includeTimeline: false));
        var all = await Index.PageAsync(new ShipmentQuery(Make.Forwarder, null, null, null, 200), CancellationToken.None);
        Assert.DoesNotContain(shipment.GetPrimaryKeyString(), all.Shipments);
    }

    private async Task<(Domain.Booking.ShipmentBooking Booking, TransitEvent Load)> Booked()
    {
        var barge = Ids.Next("LB");
        var container = Ids.Container();
        var booking = Make.Booking(Ids.Next("LISTED"), [container], Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA"));
        await Grains.BookCreated(booking);
        return (booking, Make.Equipment(EventCode.LOAD, container, "CNSUD", Make.ChinaTime(8, 30), TransportMode.BARGE, barge));
    }

    /// <summary>The status under which the forwarder's listing shows the shipment, or null when it does not.</summary>
    private async Task<ShipmentStatus?> ListedStatus(string shipmentId, string container)
    {
        foreach (var status in Enum.GetValues<ShipmentStatus>())
        {
            var page = await Index.PageAsync(new ShipmentQuery(Make.Forwarder, status, container, null, 10), CancellationToken.None);
            if (page.Shipments.Contains(shipmentId))
            {
                return status;
            }
        }

        return null;
    }
}
