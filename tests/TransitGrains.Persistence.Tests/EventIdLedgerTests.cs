using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Orleans.Serialization;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Persistence.Tests;

/// <summary>The durable profile's event-id ledger, as a silo on PostgreSQL registers it.</summary>
public sealed class EventIdLedgerTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    [Fact]
    public async Task A_silo_on_postgres_claims_ids_in_the_event_id_table()
    {
        var db = await databases.CreateMigratedAsync();
        await using var silo = await TestSilo.StartAsync(db, "ledger");
        var ledger = silo.Services.GetRequiredService<IEventIdLedger>();

        var claims = await ledger.Claim([Load("E-1", "MSKU0000006"), Load("E-2", "MSKU0000011")]);

        Assert.IsType<PostgresEventIdLedger>(ledger);
        Assert.All(claims, c => Assert.True(c.IsFirst));
        Assert.Equal(["E-1", "E-2"], claims.Select(c => c.Event.EventId));
        Assert.Equal(2L, await PostgresDatabases.ScalarAsync<long>(db, "SELECT count(*) FROM transit_event_ids"));
    }

    [Fact]
    public async Task A_used_id_answers_the_first_event_whatever_the_repeat_says()
    {
        var db = await databases.CreateMigratedAsync();
        await using var silo = await TestSilo.StartAsync(db, "ledger");
        var ledger = silo.Services.GetRequiredService<IEventIdLedger>();
        var first = Load("E-1", "MSKU0000006");
        await ledger.Claim([first]);

        var claims = await ledger.Claim([Load("E-1", "TGHU0000008"), Load("E-3", "MSKU0000011")]);

        Assert.False(claims[0].IsFirst);
        Assert.Equal(first, claims[0].Event);
        Assert.True(claims[1].IsFirst);
        Assert.Equal("E-3", claims[1].Event.EventId);
    }

    [Fact]
    public async Task Claims_survive_a_restart_of_the_silo()
    {
        var db = await databases.CreateMigratedAsync();
        var first = Load("E-1", "MSKU0000006");
        await using (var before = await TestSilo.StartAsync(db, "ledger"))
        {
            await before.Services.GetRequiredService<IEventIdLedger>().Claim([first]);
        }

        await using var after = await TestSilo.StartAsync(db, "ledger");
        var claim = (await after.Services.GetRequiredService<IEventIdLedger>().Claim([Load("E-1", "TGHU0000008")])).Single();

        Assert.False(claim.IsFirst);
        Assert.Equal(first, claim.Event);
    }

    [Fact]
    public async Task Concurrent_batches_with_overlapping_ids_give_each_id_one_first_claim_and_one_event()
    {
        var db = await databases.CreateMigratedAsync();
        await using var silo = await TestSilo.StartAsync(db, "ledger");
        var ledger = silo.Services.GetRequiredService<IEventIdLedger>();
        var random = new Random(6346);

        // Eight reporters send the same 60 ids, each in its own order and with its own container, at the same time.
        var containers = new[] { "MSKU0000006", "MSKU0000011", "TGHU0000008", "CSQU3054383" };
        var batches = Enumerable.Range(0, 8).Select(reporter =>
            Enumerable.Range(0, 60).OrderBy(_ => random.Next())
                .Select(i => Load($"E-{i}", containers[reporter % containers.Length]))
                .ToList()).ToList();

        var answers = await Task.WhenAll(batches.Select(b => Task.Run(() => ledger.Claim(b))));

        var byId = answers.SelectMany(a => a).GroupBy(c => c.Event.EventId).ToList();
        Assert.Equal(60, byId.Count);
        Assert.All(byId, id =>
        {
            Assert.Equal(8, id.Count());
            Assert.Single(id, c => c.IsFirst);
            Assert.Single(id.Select(c => c.Event).Distinct());
        });
        Assert.Equal(60L, await PostgresDatabases.ScalarAsync<long>(db, "SELECT count(*) FROM transit_event_ids"));
    }

    [Fact]
    public async Task Two_services_on_one_database_keep_their_own_ids()
    {
        var db = await databases.CreateMigratedAsync();
        await using var silo = await TestSilo.StartAsync(db, "ledger");
        var ours = silo.Services.GetRequiredService<IEventIdLedger>();
        await ours.Claim([Load("E-1", "MSKU0000006")]);
        await using var theirDatabase = new TransitDatabase(db, "another-service");
        var theirs = new PostgresEventIdLedger(theirDatabase, silo.Services.GetRequiredService<Orleans.Serialization.Serializer>());

        var claim = (await theirs.Claim([Load("E-1", "TGHU0000008")])).Single();

        Assert.True(claim.IsFirst);
    }

    [Fact]
    public async Task A_claim_whose_connection_the_server_ended_is_made_on_a_new_one_and_answers_as_if_nothing_broke()
    {
        var db = await databases.CreateMigratedAsync();
        await using var services = new ServiceCollection()
            .AddSerializer(s => s.AddAssembly(typeof(TransitEvent).Assembly).AddAssembly(typeof(EventClaim).Assembly))
            .BuildServiceProvider();
        await using var database = new TransitDatabase(db, "ledger-tests");
        var ledger = new PostgresEventIdLedger(database, services.GetRequiredService<Serializer>());
        var earlier = Load("E-1", "MSKU0000006");
        await ledger.Claim([earlier]);
        await PostgresDatabases.EndServerConnectionsAsync(db);

        var claims = await ledger.Claim([Load("E-1", "TGHU0000008"), Load("E-2", "MSKU0000011")]);

        Assert.Equal((false, earlier), (claims[0].IsFirst, claims[0].Event));
        Assert.True(claims[1].IsFirst);
        Assert.Equal(2L, await PostgresDatabases.ScalarAsync<long>(db, "SELECT count(*) FROM transit_event_ids"));
    }

    private static TransitEvent Load(string eventId, string container) => new(
        eventId,
        EventType.EQUIPMENT,
        EventCode.LOAD,
        EventClassifier.ACT,
        new LocalDateTime(2020, 11, 30, 9, 12).WithOffset(Offset.FromHours(8)),
        UnLocode.Parse("CNSUD"),
        null,
        TransportMode.BARGE,
        "SG903",
        ContainerNumber.Parse(container),
        null,
        Instant.FromUtc(2020, 11, 30, 1, 13));
}
