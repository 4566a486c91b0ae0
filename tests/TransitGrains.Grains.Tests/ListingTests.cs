using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// The shipment's listing (forwarder, status, booking time) travels with every write of its state; a shipment stored
/// before listings existed writes its own when it is woken, even with nothing else due.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ListingTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IServiceProvider Silo => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;

    private IShipmentIndex Index => Silo.GetRequiredService<IShipmentIndex>();

    private IGrainStorage Storage => Silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.Transit);

    [Fact]
    public async Task Each_write_lists_the_shipment_with_the_status_it_makes()
    {
        var (booking, load) = await Booked();
        var grain = Grains.GetGrain<IShipmentGrain>(booking.ShipmentId).GetGrainId();

        Assert.Equal(ShipmentStatus.BOOKED, await ListedStatus(grain));
        Assert.Equal(new ShipmentListing(Make.Forwarder, ShipmentStatus.BOOKED, (await Grains.View(booking.ShipmentId)).BookedAt), (await Read(grain)).State!.Listing);

        await Grains.Submit(load);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, await ListedStatus(grain));

        await Grains.GetGrain<IShipmentGrain>(booking.ShipmentId).Cancel();
        Assert.Equal(ShipmentStatus.CANCELLED, await ListedStatus(grain));
    }

    [Fact]
    public async Task Waking_a_shipment_stored_without_its_listing_and_with_nothing_due_writes_its_listing_and_changes_nothing_else()
    {
        var (booking, load) = await Booked();
        await Grains.Submit(load);
        var shipment = Grains.GetGrain<IShipmentGrain>(booking.ShipmentId);
        var before = await shipment.GetView(includeTimeline: true);

        // As stored before listings existed: the same state without one, read by the next activation.
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var stored = await Read(shipment.GetGrainId());
        stored.State!.Listing = null;
        await Storage.WriteStateAsync("shipment", shipment.GetGrainId(), stored);
        Assert.Null(await ListedStatus(shipment.GetGrainId()));

        await shipment.WakeUp();

        var after = await Read(shipment.GetGrainId());
        Assert.Equal(new ShipmentListing(Make.Forwarder, ShipmentStatus.IN_TRANSIT, before!.BookedAt), after.State!.Listing);
        Assert.Equal(ShipmentStatus.IN_TRANSIT, await ListedStatus(shipment.GetGrainId()));
        Assert.Null(after.State!.WakeUpAt);
        Deep.Equal(before, await shipment.GetView(includeTimeline: true));
    }

    [Fact]
    public async Task Waking_a_shipment_that_was_never_booked_writes_its_state_so_that_the_stored_wake_up_is_replaced()
    {
        var barge = Ids.Next("LB");
        var shipment = Grains.GetGrain<IShipmentGrain>(Ids.Next("UNBOOKED"));
        // Fan-out that reached a shipment before its booking: kept, stored, not listed.
        await shipment.Apply([Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 0))]);
        var version = (await Read(shipment.GetGrainId())).ETag;

        await shipment.WakeUp();

        var after = await Read(shipment.GetGrainId());
        Assert.NotEqual(version, after.ETag);
        Assert.Null(after.State!.WakeUpAt);
        Assert.Null(after.State!.Listing);
        Assert.Null(await ListedStatus(shipment.GetGrainId()));
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
    private async Task<ShipmentStatus?> ListedStatus(GrainId grain)
    {
        foreach (var status in Enum.GetValues<ShipmentStatus>())
        {
            if ((await Index.PageAsync(new ShipmentQuery(Make.Forwarder, status, [grain], null, 1), CancellationToken.None)).Shipments.Contains(grain))
            {
                return status;
            }
        }

        return null;
    }

    private async Task<GrainState<ShipmentState>> Read(GrainId grain)
    {
        var state = new GrainState<ShipmentState>(new ShipmentState());
        await Storage.ReadStateAsync("shipment", grain, state);
        return state;
    }
}
