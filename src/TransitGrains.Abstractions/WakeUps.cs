using NodaTime;
using Orleans;

namespace TransitGrains.Abstractions;

/// <summary>
/// A grain state that says when its grain must next be woken, whether or not anything calls it: a refund deadline
/// passing, an outbox entry still waiting after a crash. The store keeps the time beside the state, in the same write,
/// so the wake-up is exactly as durable as the state that needs it (no reminder row written apart from it).
/// </summary>
public interface IWakeUpTime
{
    /// <summary>Null when nothing is waiting.</summary>
    Instant? WakeUpAt { get; }
}

/// <summary>A grain whose stored state carries an <see cref="IWakeUpTime"/>.</summary>
public interface IWakeUpGrain : IGrain
{
    /// <summary>Its wake-up time has passed: do what is due, and store the next time.</summary>
    Task WakeUp();
}

/// <summary>Where a silo finds the grains whose stored wake-up time has passed.</summary>
public interface IWakeUpSchedule
{
    /// <summary>At most <paramref name="limit"/> grains due at <paramref name="now"/>, the longest overdue first.</summary>
    Task<IReadOnlyList<GrainId>> DueAsync(Instant now, int limit, CancellationToken cancellationToken);
}
