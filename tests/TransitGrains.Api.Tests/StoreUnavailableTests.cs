using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Api.Tests;

/// <summary>
/// api.md, "Faults": each way a failure to reach the store or the cluster surfaces in the grains (the PostgreSQL store's
/// own, a database failure a provider passes on as it is or wrapped by Orleans, a timeout, a grain call the cluster
/// rejects) is answered 503 problem details with Retry-After, never a bare 500; a failure that is a fault of the service
/// itself stays 500. The failures are raised where a batch first needs the store, in the journal (the real
/// outage, on real PostgreSQL, is <c>DatabaseOutageTests</c>' in the integration tests).
/// </summary>
public sealed class StoreUnavailableTests(FailingStoreSilo silo) : IClassFixture<FailingStoreSilo>
{
    private static readonly Dictionary<string, Func<Exception>> Failures = new(StringComparer.Ordinal)
    {
        ["the PostgreSQL store's"] = () => new StoreUnavailableException(
            "The store is unavailable: PostgreSQL cannot be reached (Failed to connect to 127.0.0.1:5432)",
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused))),
        ["a broken connection wrapped by Orleans' storage"] = () => new OrleansException(
            "Error from storage provider during WriteStateAsync",
            new NpgsqlException("Exception while reading from stream", new EndOfStreamException())),
        ["a database that is starting up"] = () => new PostgresException(
            "the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow),
        ["a statement timeout"] = () => new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        ["a grain call not answered in time"] = () => new TimeoutException("Response did not arrive on time in '00:00:30' for message"),
        ["a silo gone while the cluster changes"] = () => new SiloUnavailableException("The target silo became unavailable for message"),
    };

    private static readonly Dictionary<string, Func<Exception>> Faults = new(StringComparer.Ordinal)
    {
        ["a bug"] = () => new InvalidOperationException("a bug"),
        ["a statement the database refuses"] = () => new PostgresException(
            "duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
    };

    public static TheoryData<string> FailureNames => [.. Failures.Keys];

    public static TheoryData<string> FaultNames => [.. Faults.Keys];

    [Theory]
    [MemberData(nameof(FailureNames))]
    public async Task A_batch_the_store_cannot_take_now_is_answered_503_with_Retry_After(string failure)
    {
        var response = await silo.Report(Failures[failure]());

        var problem = response.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("5", response.Header("Retry-After"));
        Assert.Equal("Store unavailable", (string?)problem["title"]);
        Assert.Contains("store is unavailable", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("Nothing in this request was acknowledged", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("Retry-After", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(FaultNames))]
    public async Task A_fault_of_the_service_itself_stays_500(string fault)
    {
        var response = await silo.Report(Faults[fault]());

        response.Expect(HttpStatusCode.InternalServerError);
        Assert.Null(response.Header("Retry-After"));
    }
}

/// <summary>A silo whose journal throws, for the batch a test reports, the failure that test names.</summary>
public sealed class FailingStoreSilo : IAsyncLifetime
{
    private readonly FailingJournal _journal = new();
    private RunningSilo? _silo;

    public async Task InitializeAsync() =>
        _silo = await RunningSilo.Start(builder => builder.Services.AddSingleton<IJournal>(_journal));

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    /// <summary>Reports one valid event whose recording fails with <paramref name="failure"/>.</summary>
    public Task<ApiResponse> Report(Exception failure)
    {
        var e = Json.Transport("DEPA", "BARGE", Ids.Conveyance("BRG"), Json.Shunde, "2020-11-30T09:12:00+08:00");
        _journal.Failures[(string)e["eventId"]!] = failure;
        return _silo!.As(Keys.Port).Post("/api/v1/events", Json.Batch([e]));
    }

    private sealed class FailingJournal : IJournal
    {
        public ConcurrentDictionary<string, Exception> Failures { get; } = new(StringComparer.Ordinal);

        public Task<EventsRecorded> RecordAsync(RecordEvents command) =>
            Task.FromException<EventsRecorded>(Failures[command.Events[0].EventId]);

        // Nothing is booked, cancelled or decided in this silo: its only requests are the failing batches.
        public Task<BookingRecorded> BookAsync(BookShipment command) => throw Unused();

        public Task CancelAsync(CancelShipment command) => throw Unused();

        public Task DecideAsync(RecordDecision command) => throw Unused();

        public Task RecordAttemptsAsync(RecordAttempts command) => throw Unused();

        public Task<JournalTail> ReadAsync(string stream, long after) => throw Unused();

        private static InvalidOperationException Unused() => new("this silo only records the failing batches");
    }
}
