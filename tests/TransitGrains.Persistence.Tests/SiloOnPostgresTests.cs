using Npgsql;
using NodaTime;
using Orleans.Configuration;

namespace TransitGrains.Persistence.Tests;

/// <summary>Orleans' own providers (ADO.NET grain storage and clustering) against our migrated schema: a silo writes, stops, and the next one finds it all.</summary>
public sealed class SiloOnPostgresTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task Grain_state_written_by_one_silo_is_read_back_identical_by_the_next()
    {
        var db = await databases.CreateMigratedAsync();
        var written = new TestState
        {
            Name = "GZ21-000123",
            Count = 42,
            Tags = ["BARGE", "VESSEL", "ünïcødé"],
            Seen = { ["CNSUD"] = Instant.FromUtc(2020, 11, 30, 1, 12, 0), ["CNNSA"] = Instant.FromUtc(2020, 11, 30, 9, 0, 0) },
            UpdatedAt = Instant.FromUtc(2020, 11, 30, 1, 12, 34) + Duration.FromNanoseconds(123_456_789),
            Blob = [0, 1, 2, 254, 255],
        };

        await using (var first = await TestSilo.StartAsync(db, "state"))
        {
            await first.Grains.GetGrain<IStateTestGrain>("shipment-1").SetAsync(written, "via the default storage");
        }

        await using var second = await TestSilo.StartAsync(db, "state");
        var grain = second.Grains.GetGrain<IStateTestGrain>("shipment-1");
        var read = await grain.GetAsync();

        Assert.Equivalent(written, read, strict: true);
        Assert.Equal(written.UpdatedAt, read.UpdatedAt);
        Assert.Equal("via the default storage", await grain.GetDefaultStorageValueAsync());
        // Through Orleans' ADO.NET grain storage, in its own table: binary payloads, one row per grain and state name.
        Assert.Equal(2L, await PostgresDatabases.ScalarAsync<long>(db, "SELECT count(*) FROM OrleansStorage WHERE PayloadBinary IS NOT NULL"));
    }

    [Fact]
    public async Task A_running_silo_is_active_in_the_membership_table_and_dead_after_stopping()
    {
        var db = await databases.CreateMigratedAsync();

        await using var silo = await TestSilo.StartAsync(db, "membership");
        var whileRunning = await MemberStatusAsync(db, "membership", silo.SiloPort);
        var gateways = await GatewaysAsync(db, "membership");
        await silo.StopAsync();
        var afterStop = await MemberStatusAsync(db, "membership", silo.SiloPort);

        Assert.Equal(Active, whileRunning);
        Assert.Equal([$"127.0.0.1:{silo.GatewayPort}"], gateways);
        Assert.Empty(await GatewaysAsync(db, "membership"));
        Assert.Equal(Dead, afterStop);
        Assert.True(await PostgresDatabases.ScalarAsync<int>(db, "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = 'membership'") > 0);
    }

    [Fact]
    public async Task A_dead_silo_is_removed_from_the_membership_table_once_expired()
    {
        var db = await databases.CreateMigratedAsync();
        await using (var gone = await TestSilo.StartAsync(db, "cleanup"))
        {
            await gone.StopAsync();
            Assert.Equal(Dead, await MemberStatusAsync(db, "cleanup", gone.SiloPort));
        }

        // Orleans cleans up when the membership view changes, first when the next silo becomes
        // active: let the dead row be older than the expiry by then.
        await Task.Delay(TimeSpan.FromSeconds(2));

        await using var survivor = await TestSilo.StartAsync(db, "cleanup", silo => silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.DefunctSiloCleanupPeriod = TimeSpan.FromSeconds(1);
            o.DefunctSiloExpiration = TimeSpan.FromSeconds(1);
            o.DefunctSiloMinimumRetention = TimeSpan.FromSeconds(1);
        }));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long members;
        while ((members = await PostgresDatabases.ScalarAsync<long>(db, "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'cleanup'")) > 1 &&
               DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(1L, members);
        Assert.Equal(Active, await MemberStatusAsync(db, "cleanup", survivor.SiloPort));
    }

    private static async Task<int> MemberStatusAsync(string db, string clusterId, int siloPort)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Port = @port", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("port", siloPort);
        return (int)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException("the silo has no membership row"));
    }

    // What an Orleans client asks to find the gateways: the provider's own query text, as it runs it.
    private static async Task<List<string>> GatewaysAsync(string db, string clusterId)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            await PostgresDatabases.ScalarAsync<string>(db, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'"), connection);
        command.Parameters.AddWithValue("DeploymentId", clusterId);
        command.Parameters.AddWithValue("Status", Active);
        await using var reader = await command.ExecuteReaderAsync();
        var gateways = new List<string>();
        while (await reader.ReadAsync())
        {
            gateways.Add($"{reader.GetString(reader.GetOrdinal("Address"))}:{reader.GetInt32(reader.GetOrdinal("ProxyPort"))}");
        }

        return gateways;
    }
}
