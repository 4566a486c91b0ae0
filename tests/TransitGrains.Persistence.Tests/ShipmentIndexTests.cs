using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Persistence.Tests;

/// <summary>
/// The shipment listing as both stores keep it: written with the state, read a page at a time, newest booking first.
/// The same tests run on PostgreSQL (<see cref="PostgresShipmentIndexTests"/>) and in memory (<see cref="InMemoryShipmentIndexTests"/>).
/// </summary>
public abstract class ShipmentIndexTests : IAsyncLifetime
{
    private const string State = "shipment";

    // Whole microseconds: what PostgreSQL keeps of an instant.
    private static readonly Instant Monday = Instant.FromUtc(2026, 11, 30, 1, 0);

    private static readonly int[] BookingMinutes = [0, 1, 1, 1, 2, 3, 4];

    private readonly Dictionary<GrainId, GrainState<ListedTestState>> _states = [];

    protected ServiceProvider Services { get; } = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(ShipmentIndexTests).Assembly).AddAssembly(typeof(ShipmentListing).Assembly))
        .BuildServiceProvider();

    protected abstract IGrainStorage Storage { get; }

    protected abstract IShipmentIndex Index { get; }

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync() => await Services.DisposeAsync();

    protected IGrainStorageSerializer Serializer => GrainStateSerialization.Binary(Services.GetRequiredService<Serializer>());

    protected IActivatorProvider Activators => Services.GetRequiredService<IActivatorProvider>();

    [Fact]
    public async Task Pages_run_newest_booking_first_and_end_without_an_empty_page()
    {
        // Three booked at the same instant: the grain id orders them, the same way on every page.
        var booked = BookingMinutes.Select((minutes, i) => (Grain: Shipment($"ORDER-{i}"), At: Monday + Duration.FromMinutes(minutes))).ToList();
        foreach (var (grain, at) in booked)
        {
            await Write(grain, new ShipmentListing("FWD-A", ShipmentStatus.BOOKED, at));
        }

        var pages = await AllPages(new ShipmentQuery("FWD-A", null, null, null, 3));

        Assert.Equal([3, 3, 1], pages.Select(p => p.Shipments.Count));
        Assert.Null(pages[^1].Next);
        var listed = pages.SelectMany(p => p.Shipments).ToList();
        Assert.Equal(booked.Select(b => b.Grain).ToHashSet(), listed.ToHashSet());
        Assert.Equal(booked.OrderByDescending(b => b.At).Select(b => b.At), listed.Select(g => booked.Single(b => b.Grain == g).At));

        var exact = await Index.PageAsync(new ShipmentQuery("FWD-A", null, null, null, booked.Count), CancellationToken.None);
        Assert.Equal(booked.Count, exact.Shipments.Count);
        Assert.Null(exact.Next);
    }

    [Fact]
    public async Task Paging_while_shipments_are_booked_and_change_status_neither_skips_nor_repeats_one()
    {
        var random = new Random(7);
        var existing = new List<GrainId>();
        for (var i = 0; i < 40; i++)
        {
            existing.Add(Shipment($"PAGED-{i:D2}"));
            // Many share an instant: the cursor's tie-break on the grain id is what keeps them apart.
            await Write(existing[^1], new ShipmentListing("FWD-A", ShipmentStatus.BOOKED, Monday + Duration.FromSeconds(random.Next(10))));
        }

        var seen = new List<GrainId>();
        var query = new ShipmentQuery("FWD-A", null, null, null, 6);
        var later = Monday + Duration.FromHours(1);
        for (var round = 0; ; round++)
        {
            var page = await Index.PageAsync(query, CancellationToken.None);
            seen.AddRange(page.Shipments);
            if (page.Next is null)
            {
                break;
            }

            // Between two pages: new bookings (newer than all), and shipments already listed or still to come moving on.
            await Write(Shipment($"NEW-{round}"), new ShipmentListing("FWD-A", ShipmentStatus.BOOKED, later + Duration.FromSeconds(round)));
            foreach (var moved in existing.OrderBy(_ => random.Next()).Take(5))
            {
                await Write(moved, _states[moved].State!.Listing! with { Status = ShipmentStatus.IN_TRANSIT });
            }

            query = query with { After = page.Next };
        }

        Assert.Equal(existing.Count, seen.Count);
        Assert.Equal(existing.ToHashSet(), seen.ToHashSet());
    }

    [Fact]
    public async Task Status_filters_forwarders_and_the_given_shipments_narrow_the_listing()
    {
        var a1 = Shipment("A-1");
        var a2 = Shipment("A-2");
        var a3 = Shipment("A-3");
        var b1 = Shipment("B-1");
        await Write(a1, new ShipmentListing("FWD-A", ShipmentStatus.BOOKED, Monday));
        await Write(a2, new ShipmentListing("FWD-A", ShipmentStatus.IN_TRANSIT, Monday + Duration.FromMinutes(1)));
        await Write(a3, new ShipmentListing("FWD-A", ShipmentStatus.CANCELLED, Monday + Duration.FromMinutes(2)));
        await Write(b1, new ShipmentListing("FWD-B", ShipmentStatus.IN_TRANSIT, Monday + Duration.FromMinutes(3)));
        // A state without a listing (a container, a shipment not booked yet) is never listed.
        await Write(GrainId.Create("container", "CSQU3054383"), null);
        await Write(Shipment("NOT-BOOKED"), null);

        Assert.Equal([a3, a2, a1], await List(new ShipmentQuery("FWD-A", null, null, null, 50)));
        Assert.Equal([b1], await List(new ShipmentQuery("FWD-B", null, null, null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-C", null, null, null, 50)));
        Assert.Equal([b1, a3, a2, a1], await List(new ShipmentQuery(null, null, null, null, 50)));
        Assert.Equal([a2], await List(new ShipmentQuery("FWD-A", ShipmentStatus.IN_TRANSIT, null, null, 50)));
        Assert.Equal([b1, a2], await List(new ShipmentQuery(null, ShipmentStatus.IN_TRANSIT, null, null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-B", ShipmentStatus.BOOKED, null, null, 50)));

        // Among given shipments (a container's), still only the forwarder's own, with the status asked for.
        Assert.Equal([a3, a1], await List(new ShipmentQuery("FWD-A", null, [a1, b1, a3, Shipment("UNKNOWN")], null, 50)));
        Assert.Equal([b1], await List(new ShipmentQuery(null, ShipmentStatus.IN_TRANSIT, [a1, b1], null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-A", null, [b1], null, 50)));

        // A status change moves the shipment from one filter to the other with the write that makes it.
        await Write(a1, new ShipmentListing("FWD-A", ShipmentStatus.IN_TRANSIT, Monday));
        Assert.Equal([a2, a1], await List(new ShipmentQuery("FWD-A", ShipmentStatus.IN_TRANSIT, null, null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-A", ShipmentStatus.BOOKED, null, null, 50)));
    }

    [Fact]
    public async Task A_page_after_the_given_shipments_last_one_is_empty_and_a_position_that_was_never_listed_still_places_the_page()
    {
        var first = Shipment("POS-1");
        var second = Shipment("POS-2");
        await Write(first, new ShipmentListing("FWD-A", ShipmentStatus.BOOKED, Monday));
        await Write(second, new ShipmentListing("FWD-A", ShipmentStatus.BOOKED, Monday + Duration.FromMinutes(1)));

        var page = await Index.PageAsync(new ShipmentQuery("FWD-A", null, null, null, 1), CancellationToken.None);
        Assert.Equal([second], page.Shipments);
        Assert.Equal(new ListingPosition(Monday + Duration.FromMinutes(1), second), page.Next);

        Assert.Equal([first], await List(new ShipmentQuery("FWD-A", null, null, page.Next, 10)));
        Assert.Empty(await List(new ShipmentQuery("FWD-A", null, null, new ListingPosition(Monday, first), 10)));
        Assert.Equal([first], await List(new ShipmentQuery("FWD-A", null, null, new ListingPosition(Monday + Duration.FromSeconds(30), Shipment("GONE")), 10)));
        Assert.Equal([second, first], await List(new ShipmentQuery("FWD-A", null, null, new ListingPosition(Monday + Duration.FromDays(1), Shipment("LATER")), 10)));
    }

    private static GrainId Shipment(string id) => GrainId.Create("shipment", id);

    private async Task Write(GrainId grain, ShipmentListing? listing)
    {
        if (!_states.TryGetValue(grain, out var state))
        {
            _states[grain] = state = new GrainState<ListedTestState>(new ListedTestState());
        }

        state.State!.Listing = listing;
        await Storage.WriteStateAsync(State, grain, state);
    }

    private async Task<List<GrainId>> List(ShipmentQuery query) => [.. (await Index.PageAsync(query, CancellationToken.None)).Shipments];

    private async Task<List<ShipmentPage>> AllPages(ShipmentQuery query)
    {
        var pages = new List<ShipmentPage>();
        do
        {
            pages.Add(await Index.PageAsync(query, CancellationToken.None));
            query = query with { After = pages[^1].Next };
        }
        while (pages[^1].Next is not null);
        return pages;
    }
}

#pragma warning disable CA1001 // xunit disposes what InitializeAsync created through IAsyncLifetime.DisposeAsync
public sealed class PostgresShipmentIndexTests(PostgresDatabases databases) : ShipmentIndexTests, IClassFixture<PostgresDatabases>
#pragma warning restore CA1001
{
    private TransitDatabase _database = null!;
    private PostgresGrainStateStore _store = null!;

    protected override IGrainStorage Storage => _store;

    protected override IShipmentIndex Index => _store;

    public override async Task InitializeAsync()
    {
        _database = new TransitDatabase(await databases.CreateMigratedAsync(), "index-tests");
        _store = new PostgresGrainStateStore(_database, Serializer, Activators);
    }

    public override async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _database.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class InMemoryShipmentIndexTests : ShipmentIndexTests
{
    private InMemoryGrainStateStore _store = null!;

    protected override IGrainStorage Storage => _store;

    protected override IShipmentIndex Index => _store;

    public override Task InitializeAsync()
    {
        _store = new InMemoryGrainStateStore(new InMemoryStateTable(), Serializer, Activators);
        return Task.CompletedTask;
    }
}

[GenerateSerializer]
public sealed class ListedTestState : IListedShipment
{
    [Id(0)] public ShipmentListing? Listing { get; set; }
}
