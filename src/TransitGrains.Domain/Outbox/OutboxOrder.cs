using NodaTime;

namespace TransitGrains.Domain.Outbox;

/// <summary>
/// A message a grain keeps in its state, in the same write as the change that caused it, until it is delivered (or,
/// where its kind gives up, given up): a tax trigger for the queue, a notification for a webhook subscriber.
/// </summary>
public interface IOutboxEntry
{
    /// <summary>Names the entry among the others of its outbox.</summary>
    string Id { get; }

    /// <summary>Entries of one lane go out one after another, in the order they were added; lanes are independent.</summary>
    string Lane { get; }

    /// <summary>When it may be tried again after a failure; null while it may be tried at once.</summary>
    Instant? NextAttemptAt { get; }

    /// <summary>Delivered, or given up: nothing more to do.</summary>
    bool IsSettled { get; }

    /// <summary>When the change that made it was written: how long it has been waiting is counted from then.</summary>
    Instant MadeAt { get; }
}

/// <summary>
/// The order and timing rules every outbox follows: within a lane, an entry is tried only once every entry before it
/// is settled, so a failed delivery holds back the later ones of its lane (and only those).
/// </summary>
public static class OutboxOrder
{
    /// <summary>
    /// The lanes whose first unsettled entry is due at <paramref name="now"/>: each lane's unsettled entries in the order
    /// they were added. A lane is tried from its first entry on, and stops at the first that is not delivered.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<T>> DueLanes<T>(IEnumerable<T> entries, Instant now) where T : IOutboxEntry =>
        Lanes(entries).Where(lane => IsDue(lane[0], now)).ToList();

    /// <summary>
    /// When the grain must be woken if nothing else happens, so that what waits is not forgotten after a crash: the first
    /// unsettled entry of each lane (the only one that may be tried) asks for its next attempt, but never sooner than
    /// <paramref name="safetyNet"/> from now (while the grain lives, its timer delivers before that); null when nothing
    /// waits. The entries held back behind a failed one ask nothing: they would wake the grain every
    /// <paramref name="safetyNet"/> only to find their lane still waiting.
    /// </summary>
    public static Instant? WakeUpAt<T>(IEnumerable<T> entries, Instant now, Duration safetyNet) where T : IOutboxEntry
    {
        var earliest = now + safetyNet;
        Instant? wakeUp = null;
        foreach (var entry in Lanes(entries).Select(lane => lane[0]))
        {
            var asked = entry.NextAttemptAt is { } next && next > earliest ? next : earliest;
            wakeUp = wakeUp is { } sooner && sooner < asked ? sooner : asked;
        }

        return wakeUp;
    }

    /// <summary>How many entries are not settled yet, and when the one waiting longest was made (null when none waits).</summary>
    public static (int Count, Instant? OldestMadeAt) Waiting<T>(IEnumerable<T> entries) where T : IOutboxEntry
    {
        var (count, oldest) = (0, (Instant?)null);
        foreach (var entry in entries.Where(e => !e.IsSettled))
        {
            count++;
            oldest = oldest is { } older && older <= entry.MadeAt ? older : entry.MadeAt;
        }

        return (count, oldest);
    }

    /// <summary>Whether some lane may be tried within <paramref name="horizon"/> from now.</summary>
    public static bool AnyDueWithin<T>(IEnumerable<T> entries, Instant now, Duration horizon) where T : IOutboxEntry =>
        Lanes(entries).Any(lane => IsDue(lane[0], now + horizon));

    private static IEnumerable<IReadOnlyList<T>> Lanes<T>(IEnumerable<T> entries) where T : IOutboxEntry =>
        entries
            .Where(e => !e.IsSettled)
            .GroupBy(e => e.Lane, StringComparer.Ordinal)
            .Select(lane => (IReadOnlyList<T>)lane.ToList());

    /// <summary>Not settled, and not waiting for a later attempt.</summary>
    public static bool IsDue(IOutboxEntry entry, Instant now) =>
        !entry.IsSettled && (entry.NextAttemptAt is not { } next || next <= now);
}
