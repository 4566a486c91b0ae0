using Orleans;
using TransitGrains.Domain.Events;

namespace TransitGrains.Abstractions;

/// <summary>
/// Where event ids are claimed: the first event reported under an id is the event, across every container and
/// conveyance. api.md: "the same id again is a duplicate, whatever else it says" — even when it names another
/// container or conveyance, whose grains would not know the id. A claim is durable before it is answered.
/// </summary>
public interface IEventIdLedger
{
    /// <summary>Claims each event's id; the answers are in the order of <paramref name="reported"/>, whose ids are distinct.</summary>
    Task<IReadOnlyList<EventClaim>> Claim(IReadOnlyList<TransitEvent> reported);
}

/// <summary>
/// One event id (key: the eventId), for the ledger that keeps each id in its own grain: the embedded default and
/// test clusters. The durable profile claims a whole batch in one SQL statement instead.
/// </summary>
public interface IEventIdGrain : IGrainWithStringKey
{
    Task<EventClaim> Claim(TransitEvent reported);
}

/// <summary>The event recorded under the id, and whether this report is the one that first claimed it.</summary>
[GenerateSerializer, Immutable]
public sealed record EventClaim(
    [property: Id(0)] TransitEvent Event,
    [property: Id(1)] bool IsFirst);
