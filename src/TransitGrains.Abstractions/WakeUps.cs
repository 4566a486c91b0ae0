using NodaTime;
using Orleans;

namespace TransitGrains.Abstractions;

/// <summary>A grain that the journal's wake-up rows can wake (<see cref="TransitGrains.Domain.Journal.WakeUp"/>).</summary>
public interface IWakeUpGrain : IGrain
{
    /// <summary>Its wake-up time has passed, or the silo that delivered its outbox is gone: do what is due.</summary>
    Task WakeUp();
}

/// <summary>Where a silo finds the streams whose grains must be woken now.</summary>
public interface IWakeUpSchedule
{
    /// <summary>
    /// At most <paramref name="limit"/> streams whose wake-up time is at or before <paramref name="now"/>, or whose outbox
    /// is held by a silo not among <paramref name="liveSilos"/>; the longest overdue first.
    /// </summary>
    Task<IReadOnlyList<string>> DueAsync(Instant now, IReadOnlyCollection<string> liveSilos, int limit, CancellationToken cancellationToken);
}
