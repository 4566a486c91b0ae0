using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence.Tests;

/// <summary>
/// The group-commit grain storage against a real PostgreSQL: Orleans' version rules per row, writes made at the same
/// time committed together, reads gathered, wake-up times stored with the state.
/// </summary>
#pragma warning disable CA1001 // xunit disposes what InitializeAsync created through IAsyncLifetime.DisposeAsync
public sealed class GrainStateStoreTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>, IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly Instant Noon = Instant.FromUtc(2026, 11, 30, 12, 0);

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(GrainStateStoreTests).Assembly))
        .BuildServiceProvider();

    private string _db = "";
    private TransitDatabase _database = null!;
    private PostgresGrainStateStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await databases.CreateMigratedAsync();
        _database = new TransitDatabase(_db, "store-tests");
        _store = NewStore(_database);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _database.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_state_is_read_back_as_written_and_an_unknown_one_reads_as_new()
    {
        var grain = Grain("read-back");
        var written = State("first", wakeUpAt: Noon);
        await _store.WriteStateAsync("state", grain, written);

        var read = await ReadAsync(grain);
        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.Equal(("first", Noon), (read.State!.Name, read.State!.WakeUpAt));

        var unknown = await ReadAsync(Grain("nobody"));
        Assert.False(unknown.RecordExists);
        Assert.Null(unknown.ETag);
        Assert.Equal("", unknown.State!.Name);
    }

    [Fact]
    public async Task A_write_must_name_the_stored_version_and_a_stale_one_changes_nothing()
    {
        var grain = Grain("versions");
        var first = State("v1");
        await _store.WriteStateAsync("state", grain, first);
        Assert.Equal("1", first.ETag);

        var secondFirst = State("another first write");
        await Assert.ThrowsAsync<InconsistentStateException>(() => _store.WriteStateAsync("state", grain, secondFirst));

        var stale = State("stale", etag: "1");
        first.State!.Name = "v2";
        await _store.WriteStateAsync("state", grain, first);
        Assert.Equal("2", first.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _store.WriteStateAsync("state", grain, stale));

        Assert.Equal("v2", (await ReadAsync(grain)).State!.Name);
    }

    [Fact]
    public async Task Writes_made_at_the_same_time_are_committed_together_each_after_its_commit()
    {
        var states = Enumerable.Range(0, 200).Select(i => (Grain: Grain($"group-{i}"), State: State($"#{i}"))).ToList();

        await Task.WhenAll(states.Select(s => _store.WriteStateAsync("state", s.Grain, s.State)));

        Assert.All(states, s => Assert.Equal("1", s.State.ETag));
        // Every row records the transaction that wrote it: 200 writes at once are a handful of commits, not 200.
        var transactions = await PostgresDatabases.ScalarAsync<long>(_db,
            "SELECT count(DISTINCT xmin::text) FROM transit_grain_state WHERE grain_id LIKE 'storetest/group-%'");
        Assert.InRange(transactions, 1, 20);
        var reads = await Task.WhenAll(states.Select(s => ReadAsync(s.Grain)));
        Assert.Equal(states.Select(s => s.State.State!.Name), reads.Select(r => r.State!.Name));
    }

    [Fact]
    public async Task A_conflict_fails_only_its_own_write_in_a_group()
    {
        var grains = Enumerable.Range(0, 10).Select(i => Grain($"mixed-{i}")).ToList();
        foreach (var grain in grains)
        {
            await _store.WriteStateAsync("state", grain, State("v1"));
        }

        var writes = grains.Select((_, i) => State("v2", etag: i == 3 ? "7" : "1")).ToList();
        var outcomes = await Task.WhenAll(grains.Zip(writes).Select(async p =>
        {
            try
            {
                await _store.WriteStateAsync("state", p.First, p.Second);
                return "written";
            }
            catch (InconsistentStateException)
            {
                return "conflict";
            }
        }));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i == 3 ? "conflict" : "written"), outcomes);
        Assert.Equal("v1", (await ReadAsync(grains[3])).State!.Name);
        Assert.Equal("v2", (await ReadAsync(grains[4])).State!.Name);
    }

    [Fact]
    public async Task A_row_locked_elsewhere_holds_up_its_own_write_and_no_other()
    {
        var grains = Enumerable.Range(0, 5).Select(i => Grain($"locked-{i}")).ToList();
        var states = grains.Select(_ => State("v1")).ToList();
        await Task.WhenAll(grains.Zip(states).Select(p => _store.WriteStateAsync("state", p.First, p.Second)));

        await using var locker = new NpgsqlConnection(_db);
        await locker.OpenAsync();
        var holding = await locker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM transit_grain_state WHERE grain_id = 'storetest/locked-2' FOR UPDATE", locker, holding))
        {
            await lockRow.ExecuteScalarAsync();
        }

        foreach (var state in states)
        {
            state.State!.Name = "v2";
        }

        var writes = grains.Zip(states).Select(p => _store.WriteStateAsync("state", p.First, p.Second)).ToList();
        await Task.WhenAll(writes.Where((_, i) => i != 2)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(writes[2].IsCompleted, "the locked row's write waits for the lock");

        await holding.RollbackAsync();
        await writes[2].WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(states, s => Assert.Equal("2", s.ETag));
        Assert.Equal("v2", (await ReadAsync(grains[2])).State!.Name);
    }

    [Fact]
    public async Task Two_first_writes_of_one_grain_at_once_store_one_and_refuse_the_other()
    {
        var grain = Grain("twice");
        var attempts = new[] { State("a"), State("b") };

        var results = await Task.WhenAll(attempts.Select(async a =>
        {
            try
            {
                await _store.WriteStateAsync("state", grain, a);
                return a.State!.Name;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));

        var stored = Assert.Single(results, r => r is not null);
        Assert.Equal(stored, (await ReadAsync(grain)).State!.Name);
    }

    [Fact]
    public async Task A_grain_is_due_once_its_stored_wake_up_time_has_passed()
    {
        var soon = Grain("wake-soon");
        var later = Grain("wake-later");
        var never = Grain("wake-never");
        await _store.WriteStateAsync("state", soon, State("s", wakeUpAt: Noon));
        var laterState = State("l", wakeUpAt: Noon + Duration.FromHours(1));
        await _store.WriteStateAsync("state", later, laterState);
        await _store.WriteStateAsync("state", never, State("n"));

        Assert.Empty(await _store.DueAsync(Noon - Duration.FromSeconds(1), 10, CancellationToken.None));
        Assert.Equal([soon], await _store.DueAsync(Noon, 10, CancellationToken.None));
        Assert.Equal([soon, later], await _store.DueAsync(Noon + Duration.FromDays(1), 10, CancellationToken.None));
        Assert.Equal([soon], await _store.DueAsync(Noon + Duration.FromDays(1), 1, CancellationToken.None));

        // The next write says when next: nothing waits any more.
        laterState.State!.WakeUpAt = null;
        await _store.WriteStateAsync("state", later, laterState);
        Assert.Equal([soon], await _store.DueAsync(Noon + Duration.FromDays(1), 10, CancellationToken.None));
    }

    [Fact]
    public async Task Another_service_on_the_same_database_sees_none_of_these_rows()
    {
        var grain = Grain("shared-db");
        await _store.WriteStateAsync("state", grain, State("ours", wakeUpAt: Noon));

        await using var theirDatabase = new TransitDatabase(_db, "another-service");
        await using var theirs = NewStore(theirDatabase);
        var read = new GrainState<StoreTestState>(new StoreTestState());
        await theirs.ReadStateAsync("state", grain, read);

        Assert.False(read.RecordExists);
        Assert.Empty(await theirs.DueAsync(Noon, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Clearing_removes_the_state_only_at_the_stored_version()
    {
        var grain = Grain("clear");
        var state = State("x");
        await _store.WriteStateAsync("state", grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _store.ClearStateAsync("state", grain, State("x", etag: "5")));
        await _store.ClearStateAsync("state", grain, state);

        Assert.False((await ReadAsync(grain)).RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Connections_the_server_ended_are_never_used_again_and_the_writes_of_a_group_are_stored_once_on_a_new_one()
    {
        var grains = Enumerable.Range(0, 20).Select(i => Grain($"ended-{i}")).ToList();
        var states = grains.Select(_ => State("v1")).ToList();
        await Task.WhenAll(grains.Zip(states).Select(p => _store.WriteStateAsync("state", p.First, p.Second)));
        // A connection of the pools Orleans' providers take theirs from (Npgsql's, by connection string), idle like ours.
        var orleansPool = PostgresConnection.WithTuningDefaults(_db);
        Assert.Equal(1, await SelectOneAsync(orleansPool));

        Assert.InRange(await PostgresDatabases.EndServerConnectionsAsync(_db), 2, 100);
        foreach (var state in states)
        {
            state.State!.Name = "v2";
        }

        await Task.WhenAll(grains.Zip(states).Select(p => _store.WriteStateAsync("state", p.First, p.Second)));

        Assert.All(states, s => Assert.Equal("2", s.ETag));
        Assert.All(await Task.WhenAll(grains.Select(ReadAsync)), r => Assert.Equal(("v2", "2"), (r.State!.Name, r.ETag)));
        Assert.Equal(1, await SelectOneAsync(orleansPool)); // its broken connection was dropped too
    }

    [Fact]
    public async Task A_write_run_again_after_its_connection_broke_is_neither_acknowledged_nor_called_a_conflict_when_its_row_is_not_its_own()
    {
        var grain = Grain("unknown-outcome");
        var beside = Grain("beside-unknown-outcome");
        await _store.WriteStateAsync("state", grain, State("v1"));
        await _store.WriteStateAsync("state", beside, State("v1"));
        await PostgresDatabases.EndServerConnectionsAsync(_db);
        // Another activation's write, which the second run cannot tell from its own first run's.
        await using (var theirDatabase = new TransitDatabase(_db, "store-tests"))
        await using (var theirs = NewStore(theirDatabase))
        {
            await theirs.WriteStateAsync("state", grain, State("theirs", etag: "1"));
        }

        var ours = State("ours", etag: "1");
        var besideState = State("v2", etag: "1");
        var writing = _store.WriteStateAsync("state", grain, ours);
        await _store.WriteStateAsync("state", beside, besideState);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => writing);
        Assert.Equal("1", ours.ETag);
        var stored = await ReadAsync(grain);
        Assert.Equal(("theirs", "2"), (stored.State!.Name, stored.ETag));
        Assert.Equal("2", besideState.ETag); // a write the second run stored is acknowledged
    }

    [Fact]
    public async Task A_write_not_answered_within_the_command_timeout_fails_as_unavailable_and_changes_nothing()
    {
        var grain = Grain("timeout");
        var state = State("v1");
        await _store.WriteStateAsync("state", grain, state);
        await using var impatient = new TransitDatabase(new NpgsqlConnectionStringBuilder(_db) { CommandTimeout = 1 }.ConnectionString, "store-tests");
        await using var store = NewStore(impatient);

        await using var locker = new NpgsqlConnection(_db);
        await locker.OpenAsync();
        await using var holding = await locker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM transit_grain_state WHERE grain_id = 'storetest/timeout' FOR UPDATE", locker, holding))
        {
            await lockRow.ExecuteScalarAsync();
        }

        state.State!.Name = "v2";
        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.WriteStateAsync("state", grain, state));
        await holding.RollbackAsync();

        Assert.IsType<TimeoutException>(failure.InnerException?.InnerException);
        Assert.Equal("1", state.ETag);
        Assert.Equal("v1", (await ReadAsync(grain)).State!.Name);
    }

    [Fact]
    public async Task While_the_database_cannot_be_reached_every_call_fails_as_unavailable_and_no_write_is_acknowledged()
    {
        var nobody = new NpgsqlConnectionStringBuilder(_db) { Port = FreePorts.Next(), Timeout = 2 }.ConnectionString;
        await using var unreachable = new TransitDatabase(nobody, "store-tests");
        await using var store = NewStore(unreachable);
        var writes = Enumerable.Range(0, 10).Select(i => (Grain: Grain($"unreachable-{i}"), State: State("v1"))).ToList();

        var failures = await Task.WhenAll(writes.Select(w => Assert.ThrowsAsync<StoreUnavailableException>(() => store.WriteStateAsync("state", w.Grain, w.State))));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadStateAsync("state", Grain("unreachable-0"), State("")));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.DueAsync(Noon, 10, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PageAsync(new ShipmentQuery(null, null, null, null, 10), CancellationToken.None));

        Assert.All(failures, f => Assert.True(StoreUnavailableException.Explains(f)));
        Assert.All(writes, w => Assert.Null(w.State.ETag));
        Assert.All(await Task.WhenAll(writes.Select(w => ReadAsync(w.Grain))), r => Assert.False(r.RecordExists));
    }

    private PostgresGrainStateStore NewStore(TransitDatabase database) => new(
        database,
        GrainStateSerialization.Binary(_services.GetRequiredService<Serializer>()),
        _services.GetRequiredService<IActivatorProvider>());

    private static async Task<int> SelectOneAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static GrainId Grain(string key) => GrainId.Create("storetest", key);

    private static GrainState<StoreTestState> State(string name, Instant? wakeUpAt = null, string? etag = null) =>
        new(new StoreTestState { Name = name, WakeUpAt = wakeUpAt }) { ETag = etag };

    private async Task<GrainState<StoreTestState>> ReadAsync(GrainId grain)
    {
        var state = new GrainState<StoreTestState>(new StoreTestState());
        await _store.ReadStateAsync("state", grain, state);
        return state;
    }
}

[GenerateSerializer]
public sealed class StoreTestState : IWakeUpTime
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public Instant? WakeUpAt { get; set; }
}
