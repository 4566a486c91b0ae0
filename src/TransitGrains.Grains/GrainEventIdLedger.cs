using Orleans;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Grains;

/// <summary>Claims each id at its own <see cref="IEventIdGrain"/>: the ledger of the embedded default and test clusters.</summary>
public sealed class GrainEventIdLedger(IGrainFactory grains) : IEventIdLedger
{
    public async Task<IReadOnlyList<EventClaim>> Claim(IReadOnlyList<TransitEvent> reported) =>
        await Task.WhenAll(reported.Select(e => grains.GetGrain<IEventIdGrain>(e.EventId).Claim(e)));
}
