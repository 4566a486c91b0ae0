using Orleans;
using TransitGrains.Domain.Events;

namespace TransitGrains.Abstractions;

/// <summary>
/// One event id (key: the eventId), across every container and conveyance: the first event reported under
/// it is the event. api.md: "the same id again is a duplicate, whatever else it says" — even when it names
/// another container or conveyance, whose grains would not know the id.
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
