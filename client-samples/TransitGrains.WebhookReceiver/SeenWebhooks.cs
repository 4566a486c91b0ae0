using System.Collections.Concurrent;

namespace TransitGrains.WebhookReceiver;

/// <summary>
/// The webhook-ids handled lately. Delivery is at least once: an answer lost on the way makes the service send the same
/// notification again, under the same webhook-id, up to days later. Kept in memory here; a real receiver keeps them where
/// it keeps what it did with them, in the same transaction.
/// </summary>
public sealed class SeenWebhooks(TimeSpan remember, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>True the first time an id comes (within the time it is remembered).</summary>
    public bool FirstTime(string webhookId)
    {
        var now = time.GetUtcNow();
        foreach (var old in _seen.Where(s => now - s.Value > remember))
        {
            _seen.TryRemove(old);
        }

        return _seen.TryAdd(webhookId, now);
    }
}
