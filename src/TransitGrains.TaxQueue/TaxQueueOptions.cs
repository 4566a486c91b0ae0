using NodaTime;

namespace TransitGrains.TaxQueue;

/// <summary>Where and how tax refund triggers are delivered.</summary>
public sealed class TaxQueueOptions
{
    public const string DefaultQueueName = "tax-refund-triggers";
    public const string QueueNameKey = "Transit:TaxRefund:QueueName";
    public const string ConnectionStringName = "TaxQueue";

    /// <summary>Azure Storage connection string (<c>ConnectionStrings:TaxQueue</c>); empty means "log only".</summary>
    public string? ConnectionString { get; set; }

    public string QueueName { get; set; } = DefaultQueueName;

    /// <summary>
    /// Per-attempt network timeout. Short on purpose: the outbox retries with its own backoff,
    /// so an outage must surface in seconds instead of the SDK's default minutes.
    /// </summary>
    public Duration NetworkTimeout { get; set; } = Duration.FromSeconds(5);

    /// <summary>How long the readiness probe waits for the queue to answer.</summary>
    public Duration HealthCheckTimeout { get; set; } = Duration.FromSeconds(3);
}
