using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue;

/// <summary>Sends refund triggers to an Azure Storage queue (or Azurite).</summary>
public sealed class AzureQueueTaxRefundPublisher : ITaxRefundTriggerPublisher
{
    private readonly QueueClient _queue;
    private readonly ILogger<AzureQueueTaxRefundPublisher> _logger;

    // The queue is created on first use rather than at start-up, so a silo starts while the
    // queue is down. A failed (or forgotten, see Invalidate) creation is tried again next time.
    private Task? _queueCreation;

    public AzureQueueTaxRefundPublisher(IOptions<TaxQueueOptions> options, ILogger<AzureQueueTaxRefundPublisher> logger)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{TaxQueueOptions.ConnectionStringName} is empty; the Azure queue publisher needs it.");
        }

        var clientOptions = new QueueClientOptions
        {
            // Azure Functions' queue trigger expects Base64 text.
            MessageEncoding = QueueMessageEncoding.Base64,
        };
        // The SDK's defaults (3 retries, 100 s per attempt) would hide an outage for minutes;
        // the outbox has its own backoff, so fail fast here.
        clientOptions.Retry.Mode = RetryMode.Fixed;
        clientOptions.Retry.MaxRetries = 1;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.NetworkTimeout = settings.NetworkTimeout.ToTimeSpan();

        _queue = new QueueClient(settings.ConnectionString, settings.QueueName, clientOptions);
        _logger = logger;
    }

    public string QueueName => _queue.Name;

    public async Task PublishAsync(TaxRefundTriggerMessage message, CancellationToken ct)
    {
        var json = TaxRefundTriggerJson.Serialize(message);
        try
        {
            await EnsureQueueAsync().WaitAsync(ct);
            await _queue.SendMessageAsync(json, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The queue vanished after we created it (deleted, or an in-memory emulator restarted).
            Invalidate();
            await EnsureQueueAsync().WaitAsync(ct);
            await _queue.SendMessageAsync(json, ct);
        }
        catch
        {
            Invalidate();
            throw;
        }

        _logger.LogDebug("Sent tax refund trigger {MessageId} to queue {Queue}", message.MessageId, _queue.Name);
    }

    public async Task<bool> IsAvailableAsync(CancellationToken ct)
    {
        try
        {
            await _queue.GetPropertiesAsync(ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The service answers; the queue itself is created by the next publish.
            Invalidate();
            return true;
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Tax queue {Queue} did not answer", _queue.Name);
            return false;
        }
    }

    private Task EnsureQueueAsync()
    {
        var current = Volatile.Read(ref _queueCreation);
        if (current is not null && !current.IsFaulted && !current.IsCanceled)
        {
            return current;
        }

        // Several callers may race here; all of them await whichever creation won.
        Interlocked.CompareExchange(ref _queueCreation, CreateQueueAsync(), current);
        return Volatile.Read(ref _queueCreation)!;
    }

    private async Task CreateQueueAsync()
    {
        // Not bound to one caller's token: the task is shared by every concurrent caller.
        var created = await _queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        if (created is not null)
        {
            _logger.LogInformation("Created tax refund queue {Queue}", _queue.Name);
        }
    }

    private void Invalidate() => Volatile.Write(ref _queueCreation, null);
}
