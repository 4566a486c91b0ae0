using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TransitGrains.TaxQueue.Tests;

/// <summary>The real Azurite these tests run against, and small helpers around it.</summary>
internal static class TestQueue
{
    public const string EnvironmentVariable = "TRANSIT_TEST_QUEUE";

    /// <summary>Fails (never skips) when no Azurite was started for the run.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. These tests need a real Azurite queue service: " +
                $"run `eval \"$(scripts/azurite.sh start DIR)\"; export {EnvironmentVariable}` first.");

    /// <summary>A fresh queue per test, so tests can run in parallel and never see each other's messages.</summary>
    public static string NewQueueName() => $"t-{Guid.NewGuid():N}";

    public static QueueClient Client(string queueName, QueueMessageEncoding encoding, string? connectionString = null) =>
        new(connectionString ?? ConnectionString, queueName, new QueueClientOptions { MessageEncoding = encoding });

    public static AzureQueueTaxRefundPublisher Publisher(string queueName, string? connectionString = null) =>
        Publisher(Settings(queueName, connectionString));

    public static AzureQueueTaxRefundPublisher Publisher(TaxQueueOptions settings) =>
        new(Options.Create(settings), NullLogger<AzureQueueTaxRefundPublisher>.Instance);

    public static TaxQueueOptions Settings(string queueName, string? connectionString = null) =>
        new() { ConnectionString = connectionString ?? ConnectionString, QueueName = queueName };

    /// <summary>The same account on another port.</summary>
    public static string WithPort(string connectionString, int port) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, @"QueueEndpoint=http://127\.0\.0\.1:\d+/", $"QueueEndpoint=http://127.0.0.1:{port}/");

    /// <summary>How long a test waits for something that should take seconds, on a busy machine.</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    public static async Task<int> CountAsync(QueueClient queue)
    {
        // Counts hidden (received, not yet deleted) messages too.
        var properties = await queue.GetPropertiesAsync();
        return properties.Value.ApproximateMessagesCount;
    }
}

/// <summary>
/// A queue service that does not answer: it accepts connections on a local port, counts them and never replies,
/// as a storage account does when the network in between hangs.
/// </summary>
internal sealed class SilentQueueEndpoint : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];

    public SilentQueueEndpoint()
    {
        _listener.Start();
        ConnectionString = TestQueue.WithPort(TestQueue.ConnectionString, ((IPEndPoint)_listener.LocalEndpoint).Port);
        _ = AcceptAsync();
    }

    public string ConnectionString { get; }

    /// <summary>Connections opened, once the listener has taken in those the kernel completed (it may lag on a busy machine).</summary>
    public int ConnectionsAtLeast(int expected)
    {
        SpinWait.SpinUntil(() => Connections >= expected, TestQueue.Ceiling);
        return Connections;
    }

    // One per attempt of a client that does not reuse a connection it gave up on.
    private int Connections
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                lock (_held)
                {
                    _held.Add(client);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }
}
