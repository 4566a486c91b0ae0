using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;

namespace TransitGrains.Grains;

/// <summary>
/// Once the silo is active, wakes every subscription once. A subscription whose state holds its keys in plain text (stored
/// before secrets were sealed) seals them as it activates (<see cref="SubscriptionGrain"/>), so none stays in plain text
/// for want of a delivery. Subscriptions are few, and a woken one that has nothing to seal only reads its state.
/// </summary>
public sealed partial class StoredKeySealing(IGrainFactory grains, ILogger<StoredKeySealing> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StoredKeySealing), ServiceLifecycleStage.Active, Start);

    private Task Start(CancellationToken cancellationToken)
    {
        // Not awaited: the silo serves meanwhile, and a subscription a delivery activates first seals itself then.
        _ = Task.Run(SealAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task SealAsync()
    {
        try
        {
            var all = await grains.GetGrain<ISubscriptionRegistryGrain>(0).List(null);
            await Task.WhenAll(all.Select(s => grains.GetGrain<ISubscriptionGrain>(s.SubscriptionId).Definition()));
        }
        catch (Exception ex)
        {
            LogWakingFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking the subscriptions to seal stored keys failed; each seals its keys when it next activates")]
    private partial void LogWakingFailed(Exception exception);
}
