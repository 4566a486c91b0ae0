using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Grains;

[GenerateSerializer]
public sealed class EventIdState
{
    [Id(0)] public TransitEvent? First { get; set; }
}

/// <summary>
/// Remembers the first event reported under one id. The intake records that first event wherever it belongs,
/// also for a later report under the same id: so a retry after a crash between this write and that one
/// still gets the event stored, and a different event under a used id never is.
/// One activation per event id: a short collection age keeps a busy ingest from holding millions of them
/// in memory (retries come within minutes; a later one reactivates from storage).
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class EventIdGrain(
    [PersistentState("eventid", StorageNames.Transit)] IPersistentState<EventIdState> state) : Grain, IEventIdGrain
{
    public async Task<EventClaim> Claim(TransitEvent reported)
    {
        if (state.State.First is { } first)
        {
            return new EventClaim(first, IsFirst: false);
        }

        state.State.First = reported;
        await state.WriteOrReload(this);
        return new EventClaim(reported, IsFirst: true);
    }
}
