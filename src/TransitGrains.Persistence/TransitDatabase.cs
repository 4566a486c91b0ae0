using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence;

/// <summary>
/// The silo's connections to the TransitGrains database for our own statements (grain state, event ids), one pool
/// with the tuning defaults of <see cref="PostgresConnection"/>, and the service whose rows they are.
/// </summary>
/// <remarks>
/// When the database cannot be reached, a statement fails with <see cref="StoreUnavailableException"/>. When a connection
/// breaks (the server stopped, restarted or was cut off), every pooled connection is dropped, ours and those of Orleans'
/// ADO.NET providers, since they broke the same way and would fail once each when next used; the statement then runs once
/// more on a new connection. Every statement run here may be repeated: it reads, or it is checked against what is stored
/// (a version, an id already claimed), so running it twice never applies it twice, and a writer that cannot tell its
/// own first run from another's write reports the outcome unknown rather than success.
/// </remarks>
public sealed partial class TransitDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    // When the database was found unreachable (a Stopwatch timestamp), 0 while it answers: to log the outage once.
    private long _unreachableSince;

    public TransitDatabase(string connectionString, string serviceId, ILogger<TransitDatabase>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        _dataSource = NpgsqlDataSource.Create(PostgresConnection.WithTuningDefaults(connectionString));
        ServiceId = serviceId;
        _logger = logger ?? NullLogger<TransitDatabase>.Instance;
    }

    /// <summary>Rows are kept per Orleans service id, so several services can share one database.</summary>
    public string ServiceId { get; }

    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                T result;
                await using (var connection = await _dataSource.OpenConnectionAsync())
                {
                    result = await work(connection);
                }

                Answered();
                return result;
            }
            catch (Exception failure) when (PostgresFaults.IsUnavailable(failure))
            {
                var lost = PostgresFaults.IsConnectionLost(failure);
                if (lost)
                {
                    _dataSource.Clear();
                    NpgsqlConnection.ClearAllPools();
                }

                Unreachable(failure);
                if (!lost || attempt > 1)
                {
                    throw new StoreUnavailableException($"The store is unavailable: PostgreSQL cannot be reached ({failure.Message})", failure);
                }
            }
        }
    }

    public Task RunAsync(Func<NpgsqlConnection, Task> work) =>
        RunAsync(async connection =>
        {
            await work(connection);
            return true;
        });

    private void Unreachable(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _unreachableSince, Stopwatch.GetTimestamp(), 0) == 0)
        {
            LogUnreachable(failure);
        }
    }

    private void Answered()
    {
        if (Volatile.Read(ref _unreachableSince) != 0 && Interlocked.Exchange(ref _unreachableSince, 0) is var since and not 0)
        {
            LogAnsweringAgain(Stopwatch.GetElapsedTime(since).TotalSeconds);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "PostgreSQL cannot be reached: requests that must store are answered 503 until it answers again; pooled connections are dropped")]
    private partial void LogUnreachable(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL answers again, {Seconds:F1} s after it was found unreachable")]
    private partial void LogAnsweringAgain(double seconds);
}
