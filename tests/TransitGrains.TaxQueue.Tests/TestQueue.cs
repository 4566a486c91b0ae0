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
        new(Options.Create(Settings(queueName, connectionString)), NullLogger<AzureQueueTaxRefundPublisher>.Instance);

    public static TaxQueueOptions Settings(string queueName, string? connectionString = null) =>
        new() { ConnectionString = connectionString ?? ConnectionString, QueueName = queueName };

    /// <summary>Azurite's account on a local port where nothing listens: a queue that is down.</summary>
    public static string ClosedPortConnectionString()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return WithPort(ConnectionString, port);
    }

    /// <summary>The same account on another port.</summary>
    public static string WithPort(string connectionString, int port) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, @"QueueEndpoint=http://127\.0\.0\.1:\d+/", $"QueueEndpoint=http://127.0.0.1:{port}/");

    public static async Task<int> CountAsync(QueueClient queue)
    {
        // Counts hidden (received, not yet deleted) messages too.
        var properties = await queue.GetPropertiesAsync();
        return properties.Value.ApproximateMessagesCount;
    }
}
