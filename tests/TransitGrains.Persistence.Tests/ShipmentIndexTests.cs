using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Orleans.Serialization;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Shipments;
using TransitGrains.Persistence.Journal;

namespace TransitGrains.Persistence.Tests;

/// <summary>
/// The shipment listing as both journals keep it: a row written with the booking and with each decision that changes
/// the status, read a page at a time, newest booking first.
/// The same tests run on PostgreSQL (<see cref="PostgresShipmentIndexTests"/>) and in memory (<see cref="InMemoryShipmentIndexTests"/>).
/// </summary>
public abstract class ShipmentIndexTests : IAsyncLifetime
{
    // Whole microseconds: what PostgreSQL keeps of an instant.
    private static readonly Instant Monday = Instant.FromUtc(2026, 11, 30, 1, 0);

    private static readonly int[] BookingMinutes = [0, 1, 1, 1, 2, 3, 4];

    private readonly Dictionary<string, (string Forwarder, Instant BookedAt)> _booked = new(StringComparer.Ordinal);

    protected ServiceProvider Services { get; } = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(TransitEvent).Assembly).AddAssembly(typeof(IJournal).Assembly))
        .BuildServiceProvider();

    private protected JournalPayloads Payloads => new(Services.GetRequiredService<Serializer>());

    protected abstract IJournal Journal { get; }

    protected abstract IShipmentIndex Index { get; }

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync() => await Services.DisposeAsync();

    [Fact]
    public async Task Pages_run_newest_booking_first_and_end_without_an_empty_page()
    {
        // Three booked at the same instant: the shipment id orders them, the same way on every page.
        var booked = BookingMinutes.Select((minutes, i) => (Grain: $"ORDER-{i}", At: Monday + Duration.FromMinutes(minutes))).ToList();
        foreach (var (grain, at) in booked)
        {
            await Write(grain, "FWD-A", ShipmentStatus.BOOKED, at);
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
        var existing = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            existing.Add($"PAGED-{i:D2}");
            // Many share an instant: the cursor's tie-break on the shipment id is what keeps them apart.
            await Write(existing[^1], "FWD-A", ShipmentStatus.BOOKED, Monday + Duration.FromSeconds(random.Next(10)));
        }

        var seen = new List<string>();
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
            await Write($"NEW-{round}", "FWD-A", ShipmentStatus.BOOKED, later + Duration.FromSeconds(round));
            foreach (var moved in existing.OrderBy(_ => random.Next()).Take(5))
            {
                await Write(moved, "FWD-A", ShipmentStatus.IN_TRANSIT);
            }

            query = query with { After = page.Next };
        }

        Assert.Equal(existing.Count, seen.Count);
        Assert.Equal(existing.ToHashSet(), seen.ToHashSet());
    }

    [Fact]
    public async Task Status_filters_forwarders_and_containers_narrow_the_listing()
    {
        var (c1, c2) = (Journaled.Container(), Journaled.Container());
        await Write("A-1", "FWD-A", ShipmentStatus.BOOKED, Monday, c1);
        await Write("A-2", "FWD-A", ShipmentStatus.IN_TRANSIT, Monday + Duration.FromMinutes(1));
        await Write("A-3", "FWD-A", ShipmentStatus.CANCELLED, Monday + Duration.FromMinutes(2), c2);
        // The container of a cancelled shipment is free for another forwarder's booking.
        await Write("B-1", "FWD-B", ShipmentStatus.IN_TRANSIT, Monday + Duration.FromMinutes(3), c2);
        // Events for a shipment not booked yet list nothing.
        await Journal.RecordAsync(new RecordEvents([Journaled.Departure("DEPA-UNBOOKED", "SG-NOBODY")]));

        Assert.Equal(["A-3", "A-2", "A-1"], await List(new ShipmentQuery("FWD-A", null, null, null, 50)));
        Assert.Equal(["B-1"], await List(new ShipmentQuery("FWD-B", null, null, null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-C", null, null, null, 50)));
        Assert.Equal(["B-1", "A-3", "A-2", "A-1"], await List(new ShipmentQuery(null, null, null, null, 50)));
        Assert.Equal(["A-2"], await List(new ShipmentQuery("FWD-A", ShipmentStatus.IN_TRANSIT, null, null, 50)));
        Assert.Equal(["B-1", "A-2"], await List(new ShipmentQuery(null, ShipmentStatus.IN_TRANSIT, null, null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-B", ShipmentStatus.BOOKED, null, null, 50)));

        // The shipments a container was booked on: still only the forwarder's own, with the status asked for.
        Assert.Equal(["B-1", "A-3"], await List(new ShipmentQuery(null, null, c2.Value, null, 50)));
        Assert.Equal(["A-3"], await List(new ShipmentQuery("FWD-A", null, c2.Value, null, 50)));
        Assert.Equal(["B-1"], await List(new ShipmentQuery(null, ShipmentStatus.IN_TRANSIT, c2.Value, null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-B", null, c1.Value, null, 50)));
        Assert.Empty(await List(new ShipmentQuery(null, null, Journaled.Container().Value, null, 50)));

        // A status change moves the shipment from one filter to the other with the decision that makes it.
        await Write("A-1", "FWD-A", ShipmentStatus.IN_TRANSIT);
        Assert.Equal(["A-2", "A-1"], await List(new ShipmentQuery("FWD-A", ShipmentStatus.IN_TRANSIT, null, null, 50)));
        Assert.Empty(await List(new ShipmentQuery("FWD-A", ShipmentStatus.BOOKED, null, null, 50)));
    }

    [Fact]
    public async Task A_page_after_the_last_one_is_empty_and_a_position_that_was_never_listed_still_places_the_page()
    {
        var first = "POS-1";
        var second = "POS-2";
        await Write(first, "FWD-A", ShipmentStatus.BOOKED, Monday);
        await Write(second, "FWD-A", ShipmentStatus.BOOKED, Monday + Duration.FromMinutes(1));

        var page = await Index.PageAsync(new ShipmentQuery("FWD-A", null, null, null, 1), CancellationToken.None);
        Assert.Equal([second], page.Shipments);
        Assert.Equal(new ListingPosition(Monday + Duration.FromMinutes(1), second), page.Next);

        Assert.Equal([first], await List(new ShipmentQuery("FWD-A", null, null, page.Next, 10)));
        Assert.Empty(await List(new ShipmentQuery("FWD-A", null, null, new ListingPosition(Monday, first), 10)));
        Assert.Equal([first], await List(new ShipmentQuery("FWD-A", null, null, new ListingPosition(Monday + Duration.FromSeconds(30), "GONE"), 10)));
        Assert.Equal([second, first], await List(new ShipmentQuery("FWD-A", null, null, new ListingPosition(Monday + Duration.FromDays(1), "LATER"), 10)));
    }

    /// <summary>Books the shipment the first time, and journals the decision that lists it with <paramref name="status"/>.</summary>
    private async Task Write(string shipmentId, string forwarder, ShipmentStatus status, Instant? bookedAt = null, ContainerNumber? container = null)
    {
        if (!_booked.ContainsKey(shipmentId))
        {
            _booked[shipmentId] = (forwarder, bookedAt!.Value);
            Assert.True((await Journal.BookAsync(Journaled.Booking(shipmentId, forwarder, bookedAt.Value, [container ?? Journaled.Container()]))).IsBooked);
        }

        if (status != ShipmentStatus.BOOKED)
        {
            await Journal.DecideAsync(Journaled.Listed(shipmentId, status));
        }
    }

    private async Task<List<string>> List(ShipmentQuery query) => [.. (await Index.PageAsync(query, CancellationToken.None)).Shipments];

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
    private GroupCommitJournal _journal = null!;
    private PostgresShipmentIndex _index = null!;

    protected override IJournal Journal => _journal;

    protected override IShipmentIndex Index => _index;

    public override async Task InitializeAsync()
    {
        _database = new TransitDatabase(await databases.CreateMigratedAsync(), "index-tests");
        _journal = new GroupCommitJournal(new PostgresJournalStore(_database, Payloads));
        _index = new PostgresShipmentIndex(_database);
    }

    public override async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await _database.DisposeAsync();
        await base.DisposeAsync();
    }
}

#pragma warning disable CA1001 // xunit disposes what InitializeAsync created through IAsyncLifetime.DisposeAsync
public sealed class InMemoryShipmentIndexTests : ShipmentIndexTests
#pragma warning restore CA1001
{
    private readonly InMemoryJournalStore _store = new();
    private GroupCommitJournal _journal = null!;

    protected override IJournal Journal => _journal;

    protected override IShipmentIndex Index => _store;

    public override Task InitializeAsync()
    {
        _journal = new GroupCommitJournal(_store.For(Payloads));
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await base.DisposeAsync();
    }
}
