using Npgsql;

namespace TransitGrains.Persistence.Tests;

/// <summary>
/// Hands out fresh, empty databases on the PostgreSQL named by <c>TRANSIT_TEST_PG</c> and drops
/// them when the test class is done. Without that variable every test fails: these tests are
/// about the real database, and a skipped test would hide that nothing was checked.
/// </summary>
public sealed class PostgresDatabases : IAsyncLifetime
{
    public const string Variable = "TRANSIT_TEST_PG";

    private readonly List<string> _created = [];
    private string _server = "";

    public Task InitializeAsync()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. These tests need a real PostgreSQL: run scripts/test.sh, or " +
                $"`eval \"$(scripts/postgres.sh start DIR)\"; export {Variable}` before `dotnet test`.");
        }

        _server = value;
        return Task.CompletedTask;
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateAsync()
    {
        var name = "transit_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(_server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        lock (_created)
        {
            _created.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(_server) { Database = name }.ConnectionString;
    }

    /// <summary>Creates an empty database, applies every migration and returns a connection string to it.</summary>
    public async Task<string> CreateMigratedAsync()
    {
        var db = await CreateAsync();
        await new SchemaMigrator().MigrateAsync(db);
        return db;
    }

    public static async Task<T> ScalarAsync<T>(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Ends the server processes of every connection to the database, as a restart of PostgreSQL does, and waits until
    /// they are gone; the pools still hold those connections, broken. Answers how many it ended.
    /// </summary>
    public static async Task<long> EndServerConnectionsAsync(string db)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db) { Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        async Task<long> Others(string select)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT {select} FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", admin);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        var ended = await Others("count(*) FILTER (WHERE pg_terminate_backend(pid))");
        for (var tries = 0; await Others("count(*)") > 0; tries++)
        {
            Assert.True(tries < 100, "the ended server processes did not go away within 10 s");
            await Task.Delay(100);
        }

        return ended;
    }

    public async Task DisposeAsync()
    {
        if (_created.Count == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        foreach (var name in _created)
        {
            // FORCE ends connections a stopped silo may have left in its pool.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
