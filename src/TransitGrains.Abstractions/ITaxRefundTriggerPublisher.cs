namespace TransitGrains.Abstractions;

/// <summary>
/// Delivers refund triggers to the tax system. The implementations (the Azure Storage queue, or the log when none is
/// configured) live in TransitGrains.TaxQueue; the silo wires one, so the grains depend on no transport.
/// </summary>
public interface ITaxRefundTriggerPublisher
{
    /// <summary>
    /// Sends one trigger. Throws when the queue cannot be reached; the caller (the shipment's
    /// outbox) keeps the trigger and retries with backoff. Sending the same trigger twice is
    /// allowed: consumers deduplicate by <see cref="TaxRefundTriggerMessage.MessageId"/>.
    /// </summary>
    Task PublishAsync(TaxRefundTriggerMessage message, CancellationToken ct);

    /// <summary>True when a trigger sent now would be accepted; never throws.</summary>
    Task<bool> IsAvailableAsync(CancellationToken ct);
}
