using Microsoft.Extensions.Logging;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue;

/// <summary>
/// The embedded default when no queue is configured: the trigger is written to the log so a
/// person trying the service sees it, and counts as delivered.
/// </summary>
public sealed class LoggingTaxRefundPublisher(ILogger<LoggingTaxRefundPublisher> logger) : ITaxRefundTriggerPublisher
{
    public Task PublishAsync(TaxRefundTriggerMessage message, CancellationToken ct)
    {
        logger.LogInformation(
            "No tax queue is configured (ConnectionStrings:{Name} is not set): tax refund trigger {MessageId} is only logged, not queued: {Json}",
            TaxQueueOptions.ConnectionStringName,
            message.MessageId,
            TaxRefundTriggerJson.Serialize(message));
        return Task.CompletedTask;
    }

    public Task<bool> IsAvailableAsync(CancellationToken ct) => Task.FromResult(true);
}
