using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using NodaTime;

namespace TransitGrains.TaxConsumer;

/// <summary>How the consumer reads the queue.</summary>
public sealed record ConsumerSettings
{
    /// <summary>Messages per receive call (the service allows 1 to 32).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>How long a received message stays hidden; a failed one reappears after this.</summary>
    public Duration VisibilityTimeout { get; init; } = Duration.FromSeconds(30);

    /// <summary>A message that has failed this many times is moved to the poison queue (Azure Functions uses 5 too).</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Pause between receive calls when the queue is empty.</summary>
    public Duration PollInterval { get; init; } = Duration.FromSeconds(1);

    /// <summary>Stop after this many messages were settled (applied, skipped as duplicates or poisoned); null: no limit.</summary>
    public int? MaxMessages { get; init; }

    /// <summary>Stop once the queue has been empty this long; null: run until cancelled.</summary>
    public Duration? IdleExit { get; init; }
}

/// <summary>
/// Reads refund triggers and applies each one to the ledger exactly once: the ledger remembers
/// applied message ids, and a message is deleted only after the ledger holding it is saved.
/// A crash between the two brings the message back, and it is then skipped as a duplicate.
/// </summary>
public sealed class RefundLedgerConsumer
{
    private readonly QueueClient _queue;
    private readonly QueueClient _poisonQueue;
    private readonly ILedgerStore _store;
    private readonly ConsumerSettings _settings;
    private readonly IClock _clock;
    private readonly TextWriter _log;
    private int _settled;

    public RefundLedgerConsumer(
        string connectionString, string queueName, ILedgerStore store, ConsumerSettings settings, IClock clock, TextWriter log)
    {
        // TransitGrains sends Base64 text, as Azure Functions expects. Text that is not Base64 at
        // all can never be read, so it goes straight to the poison queue instead of blocking a batch.
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.MessageDecodingFailed += OnUndecodableMessageAsync;
        _queue = new QueueClient(connectionString, queueName, options);
        // The poison queue keeps the original wire text, so no second encoding.
        _poisonQueue = new QueueClient(connectionString, queueName + "-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        _store = store;
        _settings = settings;
        _clock = clock;
        _log = log;
        Ledger = store.Load();
    }

    public RefundLedger Ledger { get; }

    public string QueueName => _queue.Name;

    /// <summary>Consumes until cancelled, or until <see cref="ConsumerSettings.MaxMessages"/> / <see cref="ConsumerSettings.IdleExit"/> say stop.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken: ct);
        _settled = 0;
        var idleSince = _clock.GetCurrentInstant();
        try
        {
            while (_settings.MaxMessages is not { } max || _settled < max)
            {
                var batchSize = Math.Min(_settings.BatchSize, _settings.MaxMessages is { } limit ? limit - _settled : int.MaxValue);
                QueueMessage[] batch = await _queue.ReceiveMessagesAsync(batchSize, _settings.VisibilityTimeout.ToTimeSpan(), ct);
                if (batch.Length == 0)
                {
                    if (_settings.IdleExit is { } idleExit && _clock.GetCurrentInstant() - idleSince >= idleExit)
                    {
                        return;
                    }

                    await Task.Delay(_settings.PollInterval.ToTimeSpan(), ct);
                    continue;
                }

                foreach (var message in batch)
                {
                    await HandleAsync(message, ct);
                }

                idleSince = _clock.GetCurrentInstant();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: whatever was applied is saved; unfinished messages reappear on the queue.
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken ct)
    {
        if (message.DequeueCount > _settings.MaxDequeueCount)
        {
            await PoisonAsync(message.MessageId, message.PopReceipt, Convert.ToBase64String(message.Body.ToArray()),
                $"failed {_settings.MaxDequeueCount} times", ct);
            return;
        }

        RefundTrigger trigger;
        try
        {
            trigger = RefundTrigger.Parse(Encoding.UTF8.GetString(message.Body.ToArray()));
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException)
        {
            // Left on the queue: it comes back after the visibility timeout and is poisoned once it has failed often enough.
            _log.WriteLine($"Message {message.MessageId} (attempt {message.DequeueCount}) is not a refund trigger: {ex.Message}");
            return;
        }

        if (Ledger.IsProcessed(trigger.MessageId))
        {
            Ledger.DuplicatesSkipped++;
            _log.WriteLine($"Duplicate {trigger.MessageId}: already in the ledger, deleted.");
        }
        else
        {
            Ledger.Apply(trigger);
            _log.WriteLine($"Applied {trigger.MessageId}.");
        }

        try
        {
            await _store.SaveAsync(Ledger, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not saved, so not deleted: the message reappears and is applied again from the saved state.
            _log.WriteLine($"Could not save the ledger, {trigger.MessageId} stays on the queue: {ex.Message}");
            throw;
        }

        await DeleteAsync(message.MessageId, message.PopReceipt, ct);
    }

    private async Task OnUndecodableMessageAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is { } raw)
        {
            await PoisonAsync(raw.MessageId, raw.PopReceipt, raw.Body.ToString(), "not Base64", args.CancellationToken);
        }
    }

    private async Task PoisonAsync(string messageId, string popReceipt, string wireText, string why, CancellationToken ct)
    {
        await _poisonQueue.CreateIfNotExistsAsync(cancellationToken: ct);
        await _poisonQueue.SendMessageAsync(wireText, ct);
        Ledger.Poisoned++;
        await _store.SaveAsync(Ledger, ct);
        await DeleteAsync(messageId, popReceipt, ct);
        _log.WriteLine($"Message {messageId} moved to {_poisonQueue.Name} ({why}).");
    }

    private async Task DeleteAsync(string messageId, string popReceipt, CancellationToken ct)
    {
        _settled++;
        try
        {
            await _queue.DeleteMessageAsync(messageId, popReceipt, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Our hold on it expired and someone else received it; the ledger makes that copy a duplicate.
            _log.WriteLine($"Message {messageId} was no longer ours to delete; it will be skipped as a duplicate.");
        }
    }
}
