using Microsoft.Extensions.Logging;
using NodaTime;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains;

[GenerateSerializer]
public sealed class SubscriptionRegistryState
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public List<Subscription> Subscriptions { get; set; } = [];
}

/// <summary>
/// Every subscription; pushes the active set to each silo's <see cref="SubscriptionDirectory"/> on every change and
/// answers only once each has it (or failed to take it), so a subscription that was answered 201 is matched from the next
/// event on. Watchers are kept in memory: each silo whose copy is in use watches again every
/// <see cref="SubscriptionDirectory.Refresh"/>, which also brings back the watchers of a registry that was activated anew.
/// </summary>
public sealed class SubscriptionRegistryGrain(
    [PersistentState("subscriptions", StorageNames.Transit)] IPersistentState<SubscriptionRegistryState> state,
    IClock clock,
    ILogger<SubscriptionRegistryGrain> logger) : Grain, ISubscriptionRegistryGrain
{
    /// <summary>A watcher that has not asked again for this long is gone (its silo stopped).</summary>
    private static readonly Duration WatcherLease = Duration.FromTimeSpan(SubscriptionDirectory.Refresh * 4);

    /// <summary>How long a change waits for a silo to take it; one that does not gets it with its next watch.</summary>
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<ISubscriptionWatcher, Instant> _watchers = [];

    public Task<SubscriptionSet> Watch(ISubscriptionWatcher watcher)
    {
        var now = clock.GetCurrentInstant();
        _watchers[watcher] = now;
        foreach (var gone in _watchers.Where(w => now - w.Value > WatcherLease).Select(w => w.Key).ToList())
        {
            _watchers.Remove(gone);
        }

        return Task.FromResult(Active());
    }

    public Task<IReadOnlyList<Subscription>> List(string? forwarder) => Task.FromResult<IReadOnlyList<Subscription>>(
        state.State.Subscriptions.Where(s => forwarder is null || s.Forwarder == forwarder).ToList());

    public async Task Put(Subscription subscription)
    {
        var i = state.State.Subscriptions.FindIndex(s => s.SubscriptionId == subscription.SubscriptionId);
        if (i < 0)
        {
            state.State.Subscriptions.Add(subscription);
        }
        else
        {
            state.State.Subscriptions[i] = subscription;
        }

        await Changed();
    }

    public async Task Remove(string subscriptionId)
    {
        if (state.State.Subscriptions.RemoveAll(s => s.SubscriptionId == subscriptionId) > 0)
        {
            await Changed();
        }
    }

    private SubscriptionSet Active() =>
        new(state.State.Version, state.State.Subscriptions.Where(s => s.Status == SubscriptionStatus.ACTIVE).ToList());

    private async Task Changed()
    {
        state.State.Version++;
        await state.WriteOrReload(this);
        var set = Active();
        await Task.WhenAll(_watchers.Keys.ToList().Select(async watcher =>
        {
            try
            {
                await watcher.Changed(set).WaitAsync(PushTimeout);
            }
            catch (Exception ex)
            {
                // Its silo has gone, or is busy: it takes the set with its next watch, or its lease runs out.
                logger.LogInformation(ex, "A silo did not take subscription set {Version}", set.Version);
                _watchers.Remove(watcher);
            }
        }));
    }
}
