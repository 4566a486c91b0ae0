using Npgsql;

namespace TransitGrains.Persistence;

/// <summary>
/// The silo's connections to the TransitGrains database for our own statements (grain state, event ids), one pool
/// with the tuning defaults of <see cref="PostgresConnection"/>, and the service whose rows they are.
/// </summary>
public sealed class TransitDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public TransitDatabase(string connectionString, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        _dataSource = NpgsqlDataSource.Create(PostgresConnection.WithTuningDefaults(connectionString));
        ServiceId = serviceId;
    }

    /// <summary>Rows are kept per Orleans service id, so several services can share one database.</summary>
    public string ServiceId { get; }

    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await work(connection);
    }

    public async Task RunAsync(Func<NpgsqlConnection, Task> work)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await work(connection);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
