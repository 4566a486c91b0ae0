using System.Data;
using Npgsql;

namespace TransitGrains.Persistence.Tests;

/// <summary>
/// Runs our grain-storage query texts the way Orleans' ADO.NET provider does (named parameters
/// typed by DbType, results read by column name) to pin down the version rules that make
/// concurrent writers fail with a conflict instead of overwriting each other.
/// </summary>
public sealed class StorageQueryTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>, IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync()
    {
        _db = await databases.CreateAsync();
        await new SchemaMigrator().MigrateAsync(_db);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task First_write_inserts_version_1_and_a_second_first_write_conflicts()
    {
        var key = new Key(GrainIdN1: 41, Extension: null);

        Assert.Equal(1, await WriteAsync(key, version: null, payload: [1]));
        Assert.Null(await WriteAsync(key, version: null, payload: [2]));
        await AssertRowAsync(key, [1], 1);
    }

    [Fact]
    public async Task A_write_with_the_current_version_succeeds_and_a_stale_one_conflicts()
    {
        var key = new Key(GrainIdN1: 0, Extension: "GZ21-000123");
        await WriteAsync(key, version: null, payload: [1]);

        Assert.Equal(2, await WriteAsync(key, version: 1, payload: [2]));
        Assert.Null(await WriteAsync(key, version: 1, payload: [3]));
        Assert.Equal(3, await WriteAsync(key, version: 2, payload: [4]));
        await AssertRowAsync(key, [4], 3);
    }

    [Fact]
    public async Task Keys_differing_only_in_extension_are_different_rows()
    {
        var plain = new Key(GrainIdN1: 7, Extension: null);
        var extended = new Key(GrainIdN1: 7, Extension: "x");

        Assert.Equal(1, await WriteAsync(plain, version: null, payload: [1]));
        Assert.Equal(1, await WriteAsync(extended, version: null, payload: [2]));
        await AssertRowAsync(plain, [1], 1);
        await AssertRowAsync(extended, [2], 1);
    }

    [Fact]
    public async Task Clear_keeps_the_row_with_a_new_version_and_delete_removes_it()
    {
        var key = new Key(GrainIdN1: 99, Extension: null);
        await WriteAsync(key, version: null, payload: [1]);

        Assert.Equal(2, await RunAsync("ClearStorageKey", key, version: 1));
        await AssertRowAsync(key, null, 2);
        Assert.Null(await RunAsync("ClearStorageKey", key, version: 1));
        Assert.Equal(3, await RunAsync("DeleteStorageKey", key, version: 2));
        Assert.Null(await ReadAsync(key));
        Assert.Equal(1, await WriteAsync(key, version: null, payload: [5]));
    }

    [Fact]
    public async Task A_read_of_an_unknown_grain_returns_no_row()
    {
        Assert.Null(await ReadAsync(new Key(GrainIdN1: 12345, Extension: "nobody")));
    }

    private sealed record Key(long GrainIdN1, string? Extension);

    private Task<int?> WriteAsync(Key key, int? version, byte[] payload) =>
        RunAsync("WriteToStorageKey", key, version, payload);

    private async Task<int?> RunAsync(string queryKey, Key key, int? version, byte[]? payload = null)
    {
        await using var connection = new NpgsqlConnection(_db);
        await connection.OpenAsync();
        await using var command = await CommandAsync(connection, queryKey, key);
        Add(command, "GrainStateVersion", version, DbType.Int32);
        if (payload is not null)
        {
            Add(command, "PayloadBinary", payload, DbType.Binary);
        }

        await using var reader = await command.ExecuteReaderAsync();
        int? result = await reader.ReadAsync() ? reader.GetInt32(0) : null;
        Assert.False(await reader.ReadAsync(), "at most one row");
        return result;
    }

    private async Task AssertRowAsync(Key key, byte[]? payload, int version)
    {
        var row = await ReadAsync(key);
        Assert.NotNull(row);
        Assert.Equal(payload, row.Payload);
        Assert.Equal(version, row.Version);
    }

    private sealed record Row(byte[]? Payload, int Version);

    private async Task<Row?> ReadAsync(Key key)
    {
        await using var connection = new NpgsqlConnection(_db);
        await connection.OpenAsync();
        await using var command = await CommandAsync(connection, "ReadFromStorageKey", key);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var payloadOrdinal = reader.GetOrdinal("PayloadBinary");
        var payload = reader.IsDBNull(payloadOrdinal) ? null : (byte[])reader.GetValue(payloadOrdinal);
        var result = new Row(payload, reader.GetInt32(reader.GetOrdinal("Version")));
        Assert.False(await reader.ReadAsync(), "at most one row");
        return result;
    }

    private static async Task<NpgsqlCommand> CommandAsync(NpgsqlConnection connection, string queryKey, Key key)
    {
        string text;
        await using (var query = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @k", connection))
        {
            query.Parameters.AddWithValue("k", queryKey);
            text = (string)(await query.ExecuteScalarAsync())!;
        }

        var command = new NpgsqlCommand(text, connection);
        Add(command, "GrainIdHash", (int)key.GrainIdN1 * 31, DbType.Int32);
        Add(command, "GrainIdN0", 0L, DbType.Int64);
        Add(command, "GrainIdN1", key.GrainIdN1, DbType.Int64);
        Add(command, "GrainTypeHash", 1234, DbType.Int32);
        Add(command, "GrainTypeString", "state", DbType.String);
        Add(command, "GrainIdExtensionString", key.Extension, DbType.String);
        Add(command, "ServiceId", "tests", DbType.String);
        return command;
    }

    private static void Add(NpgsqlCommand command, string name, object? value, DbType type) =>
        command.Parameters.Add(new NpgsqlParameter { ParameterName = name, Value = value ?? DBNull.Value, DbType = type });
}
