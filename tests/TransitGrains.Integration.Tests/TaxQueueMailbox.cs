using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;

namespace TransitGrains.Integration.Tests;

/// <summary>A refund trigger as the tax system read it: its decoded JSON, and when the mailbox first saw it.</summary>
public sealed record ReceivedTrigger(string MessageId, string Text, JsonObject Json, long SeenAt)
{
    public string? this[string property] => (string?)Json[property];
}

/// <summary>
/// The tax system's end of the queue, for the tests: reads every message, decodes it as the contract says (Base64
/// of UTF-8 JSON, decoded here by hand so that a message sent any other way fails), deletes it, and keeps it.
/// </summary>
public sealed class TaxQueueMailbox(string connectionString, string queueName)
{
    private readonly QueueClient _queue = new(connectionString, queueName, FailFast());
    private readonly List<ReceivedTrigger> _received = [];

    public IReadOnlyList<ReceivedTrigger> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public IReadOnlyList<ReceivedTrigger> For(string shipmentId) =>
        Received.Where(t => t["shipmentId"] == shipmentId).ToList();

    /// <summary>
    /// Waits until a message with this id was read; answers the first one. Reads that fail meanwhile (404 before the
    /// silo created the queue, no answer while Azurite is down or restarting) are tried again, and the last failure
    /// is part of the timeout's message.
    /// </summary>
    public async Task<ReceivedTrigger> WaitForAsync(string messageId, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        Exception? lastFailure = null;
        while (true)
        {
            try
            {
                await ReadAsync();
            }
            catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
            {
                lastFailure = e;
            }

            if (Received.FirstOrDefault(t => t.MessageId == messageId) is { } found)
            {
                return found;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException(
                    $"{messageId} was not on queue {_queue.Name} within {limit}; read so far: {string.Join(", ", Received.Select(t => t.MessageId))}"
                    + (lastFailure is null ? "" : $"; the last read failed: {lastFailure.Message}"));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Reads everything on the queue now. A read that fails throws: a check of what was (or was not) read must not
    /// pass on a read that never happened.
    /// </summary>
    public async Task ReadAsync()
    {
        while ((await _queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(1))).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText));
                var json = JsonNode.Parse(text)!.AsObject();
                lock (_received)
                {
                    _received.Add(new ReceivedTrigger((string)json["messageId"]!, text, json, Stopwatch.GetTimestamp()));
                }

                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    /// <summary>Message ids read more than once with different content: one id must always mean one trigger.</summary>
    public IEnumerable<string> ConflictingDuplicates() =>
        Received.GroupBy(t => t.MessageId)
            .Where(g => g.Select(t => t.Json).Distinct(JsonNodeEquality.Instance).Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(" | ", g.Select(t => t.Text))}");

    private static QueueClientOptions FailFast()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    private sealed class JsonNodeEquality : IEqualityComparer<JsonNode?>
    {
        public static readonly JsonNodeEquality Instance = new();

        public bool Equals(JsonNode? x, JsonNode? y) => JsonNode.DeepEquals(x, y);

        public int GetHashCode(JsonNode? node) => 0;
    }
}
