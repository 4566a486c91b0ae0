using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue;

/// <summary>Readiness: the configured tax queue answers within a short timeout.</summary>
public sealed class TaxQueueHealthCheck(ITaxRefundTriggerPublisher publisher, IOptions<TaxQueueOptions> options) : IHealthCheck
{
    public const string Name = "tax-queue";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.HealthCheckTimeout.ToTimeSpan());

        var data = new Dictionary<string, object> { ["queue"] = settings.QueueName };
        return await publisher.IsAvailableAsync(timeout.Token)
            ? HealthCheckResult.Healthy($"Tax queue '{settings.QueueName}' answers.", data)
            : HealthCheckResult.Unhealthy(
                $"Tax queue '{settings.QueueName}' did not answer within {settings.HealthCheckTimeout}; refund triggers wait in the outbox.",
                data: data);
    }
}
