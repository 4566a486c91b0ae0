using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Orleans.Serialization;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.Shipments;
using TransitGrains.Persistence.Journal;

namespace TransitGrains.Persistence.Tests;

/// <summary>
/// The journal on a real PostgreSQL: ids claimed once, events stored in every stream they concern in the transaction that
/// claims them, bookings routing a container's events, groups committed whole or not at all.
/// </summary>
#pragma warning disable CA1001 // xunit disposes what InitializeAsync created through IAsyncLifetime.DisposeAsync
public sealed class JournalTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>, IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly Instant Monday = Instant.FromUtc(2026, 11, 30, 1, 0);

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(TransitEvent).Assembly).AddAssembly(typeof(IJournal).Assembly))
        .BuildServiceProvider();

    private readonly List<IAsyncDisposable> _opened = [];
    private string _db = "";

    public async Task InitializeAsync() => _db = await databases.CreateMigratedAsync();

    public async Task DisposeAsync()
    {
        foreach (var opened in Enumerable.Reverse(_opened))
        {
            await opened.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    [Fact]
    public async Task An_event_is_stored_in_the_stream_of_the_shipment_its_container_is_booked_on_and_a_repeat_answers_the_first()
    {
        var journal = Open(_db);
        var (container, other) = (Journaled.Container(), Journaled.Container());
        Assert.True((await journal.BookAsync(Journaled.Booking("S-1", "FWD-A", Monday, [container]))).IsBooked);

        var first = Journaled.Load("E-1", container);
        var recorded = await journal.RecordAsync(new RecordEvents([first]));

        Assert.True(Assert.Single(recorded.Events).IsFirst);
        Assert.Equal([first], recorded.Deliveries["S-1"]);
        var stream = await journal.ReadAsync(JournalStreams.Shipment("S-1"), 0);
        Assert.IsType<ShipmentBooked>(stream.Entries[0].Record);
        Assert.Equal(first, stream.Entries[1].Event);
        Assert.True(stream.Head >= stream.Entries[1].Position);

        // The repeat reports another container: the first report is the record, and it is delivered again.
        var repeat = await journal.RecordAsync(new RecordEvents([Journaled.Load("E-1", other), Journaled.Load("E-2", other)]));

        Assert.Equal([(first, false)], repeat.Events.Take(1).Select(e => (e.Event, e.IsFirst)));
        Assert.True(repeat.Events[1].IsFirst);
        Assert.Equal([first], repeat.Deliveries["S-1"]);
        Assert.Empty((await journal.ReadAsync(JournalStreams.Shipment("S-1"), stream.Head)).Entries);
        Assert.Equal(2L, await PostgresDatabases.ScalarAsync<long>(_db, "SELECT count(*) FROM transit_journal_events"));
    }

    [Fact]
    public async Task A_transport_event_reaches_the_shipments_booked_on_its_conveyance_and_one_booked_later_receives_it_with_its_booking()
    {
        var journal = Open(_db);
        var barge = "SG-" + Guid.NewGuid().ToString("N")[..8];
        await journal.BookAsync(Journaled.Booking("EARLY", "FWD-A", Monday, [Journaled.Container()], barge));
        var departure = Journaled.Departure("DEPA-1", barge);

        var recorded = await journal.RecordAsync(new RecordEvents([departure]));
        var late = await journal.BookAsync(Journaled.Booking("LATE", "FWD-A", Monday, [Journaled.Container()], barge));

        Assert.Equal(["EARLY"], recorded.Deliveries.Keys);
        Assert.Equal([departure], late.Events);
        Assert.Equal([departure], (await journal.ReadAsync(JournalStreams.Shipment("LATE"), 0)).Entries.Select(e => e.Event).OfType<TransitEvent>());
        // A repeat is delivered again where the first report went (a shipment booked later got it with its booking).
        Assert.Equal(["EARLY"], (await journal.RecordAsync(new RecordEvents([departure]))).Deliveries.Keys);
    }

    [Fact]
    public async Task A_container_on_an_active_shipment_refuses_another_booking_which_then_stores_nothing()
    {
        var journal = Open(_db);
        var taken = Journaled.Container();
        await journal.BookAsync(Journaled.Booking("HOLDER", "FWD-A", Monday, [taken]));

        var refused = await journal.BookAsync(Journaled.Booking("REFUSED", "FWD-A", Monday, [Journaled.Container(), taken]));
        var again = await journal.BookAsync(Journaled.Booking("HOLDER", "FWD-A", Monday, [taken]));

        Assert.Equal((taken, "HOLDER"), (refused.Container, refused.HeldBy));
        Assert.True(again.AlreadyBooked);
        Assert.Empty((await journal.ReadAsync(JournalStreams.Shipment("REFUSED"), 0)).Entries);
        Assert.Equal(0L, await PostgresDatabases.ScalarAsync<long>(_db, "SELECT count(*) FROM transit_shipments WHERE shipment_id = 'REFUSED'"));

        // Once the holder is cancelled, the container is free for the next booking, and its events go there.
        await journal.DecideAsync(Journaled.Listed("HOLDER", ShipmentStatus.CANCELLED));
        Assert.True((await journal.BookAsync(Journaled.Booking("NEXT", "FWD-A", Monday, [taken]))).IsBooked);
        Assert.Equal(["NEXT"], (await journal.RecordAsync(new RecordEvents([Journaled.Load("E-NEXT", taken)]))).Deliveries.Keys);
    }

    [Fact]
    public async Task Concurrent_batches_with_overlapping_ids_give_each_id_one_first_claim_and_one_event()
    {
        var journal = Open(_db);
        var random = new Random(6346);
        var containers = Enumerable.Range(0, 4).Select(_ => Journaled.Container()).ToList();

        // Eight reporters send the same 60 ids, each in its own order and with its own container, at the same time.
        var batches = Enumerable.Range(0, 8).Select(reporter =>
            Enumerable.Range(0, 60).OrderBy(_ => random.Next())
                .Select(i => Journaled.Load($"E-{i}", containers[reporter % containers.Count]))
                .ToList()).ToList();

        var answers = await Task.WhenAll(batches.Select(b => Task.Run(() => journal.RecordAsync(new RecordEvents(b)))));

        var byId = answers.SelectMany(a => a.Events).GroupBy(c => c.Event.EventId).ToList();
        Assert.Equal(60, byId.Count);
        Assert.All(byId, id =>
        {
            Assert.Equal(8, id.Count());
            Assert.Single(id, c => c.IsFirst);
            Assert.Single(id.Select(c => c.Event).Distinct());
        });
        Assert.Equal(60L, await PostgresDatabases.ScalarAsync<long>(_db, "SELECT count(*) FROM transit_journal_events"));
    }

    [Fact]
    public async Task Claims_outlive_the_process_and_another_service_on_the_same_database_keeps_its_own()
    {
        var first = Journaled.Load("E-1", Journaled.Container());
        await Open(_db).RecordAsync(new RecordEvents([first]));

        var reopened = await Open(_db).RecordAsync(new RecordEvents([Journaled.Load("E-1", Journaled.Container())]));
        var theirs = await Open(_db, "another-service").RecordAsync(new RecordEvents([Journaled.Load("E-1", Journaled.Container())]));

        Assert.Equal((first, false), (reopened.Events[0].Event, reopened.Events[0].IsFirst));
        Assert.True(theirs.Events[0].IsFirst);
    }

    [Fact]
    public async Task A_group_whose_connection_the_server_ended_is_committed_on_a_new_one_and_answers_as_if_nothing_broke()
    {
        var journal = Open(_db);
        var earlier = Journaled.Load("E-1", Journaled.Container());
        await journal.RecordAsync(new RecordEvents([earlier]));
        Assert.InRange(await PostgresDatabases.EndServerConnectionsAsync(_db), 1, 100);

        var recorded = await journal.RecordAsync(new RecordEvents([Journaled.Load("E-1", Journaled.Container()), Journaled.Load("E-2", Journaled.Container())]));

        Assert.Equal((earlier, false), (recorded.Events[0].Event, recorded.Events[0].IsFirst));
        Assert.True(recorded.Events[1].IsFirst);
        Assert.Equal(2L, await PostgresDatabases.ScalarAsync<long>(_db, "SELECT count(*) FROM transit_journal_events"));
    }

    [Fact]
    public async Task A_group_not_answered_within_the_command_timeout_fails_as_unavailable_and_stores_nothing()
    {
        await Open(_db).RecordAsync(new RecordEvents([Journaled.Load("E-0", Journaled.Container())]));
        var impatient = Open(new NpgsqlConnectionStringBuilder(_db) { CommandTimeout = 1 }.ConnectionString);

        // Another transaction holds the journal's head row: the group waits for it, and gives up.
        await using var locker = new NpgsqlConnection(_db);
        await locker.OpenAsync();
        await using var holding = await locker.BeginTransactionAsync();
        await using (var lockHead = new NpgsqlCommand("SELECT 1 FROM transit_journal_head FOR UPDATE", locker, holding))
        {
            await lockHead.ExecuteScalarAsync();
        }

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => impatient.RecordAsync(new RecordEvents([Journaled.Load("E-1", Journaled.Container())])));
        await holding.RollbackAsync();

        Assert.True(StoreUnavailableException.Explains(failure));
        Assert.Equal(1L, await PostgresDatabases.ScalarAsync<long>(_db, "SELECT count(*) FROM transit_journal_events"));
    }

    [Fact]
    public async Task While_the_database_cannot_be_reached_every_call_fails_as_unavailable()
    {
        var nobody = new NpgsqlConnectionStringBuilder(_db) { Port = FreePorts.Next(), Timeout = 2 }.ConnectionString;
        var journal = Open(nobody);
        var database = new TransitDatabase(nobody, "journal-tests");
        _opened.Add(database);

        var failures = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Assert.ThrowsAsync<StoreUnavailableException>(
            () => journal.RecordAsync(new RecordEvents([Journaled.Load($"E-{i}", Journaled.Container())])))));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => journal.BookAsync(Journaled.Booking("S-1", "FWD-A", Monday, [Journaled.Container()])));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => journal.ReadAsync(JournalStreams.Shipment("S-1"), 0));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => new PostgresWakeUpSchedule(database).DueAsync(Monday, [], 10, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(
            () => new PostgresShipmentIndex(database).PageAsync(new ShipmentQuery(null, null, null, null, 10), CancellationToken.None));

        Assert.All(failures, f => Assert.True(StoreUnavailableException.Explains(f)));
    }

    private IJournal Open(string connectionString, string serviceId = "journal-tests")
    {
        var database = new TransitDatabase(connectionString, serviceId);
        var journal = new GroupCommitJournal(new PostgresJournalStore(database, new JournalPayloads(_services.GetRequiredService<Serializer>())));
        _opened.Add(database);
        _opened.Add(journal);
        return journal;
    }
}
