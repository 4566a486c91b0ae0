using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains;

/// <summary>
/// This silo's copy of the active subscriptions, indexed by forwarder: what a shipment matches its changes against in the
/// write that makes them, without a call to any subscription. Fetched from the registry on first use, which then pushes
/// every change here before it answers; while in use, fetched again every <see cref="Refresh"/> in the background, which
/// also renews this silo's place among the registry's watchers (after a registry was activated anew, or a push was lost).
/// A copy older than twice that is not used before it has been fetched again.
/// </summary>
public sealed partial class SubscriptionDirectory(IGrainFactory grains, ILogger<SubscriptionDirectory> logger) : ISubscriptionWatcher
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxAge = Refresh * 2;

    private readonly Lock _fetchLock = new();
    private Task<SubscriptionIndex>? _fetching;
    private Copy? _copy;
    private ISubscriptionWatcher? _self;
    private bool _selfMade;
    private object? _selfLock;

    /// <summary>The active subscriptions as this silo knows them.</summary>
    public ValueTask<SubscriptionIndex> CurrentAsync()
    {
        var copy = Volatile.Read(ref _copy);
        var age = copy is null ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(copy.WatchedAt);
        if (age < Refresh)
        {
            return ValueTask.FromResult(copy!.Index);
        }

        var fetching = Fetch();
        return age < MaxAge ? ValueTask.FromResult(copy!.Index) : new ValueTask<SubscriptionIndex>(fetching);
    }

    public Task Changed(SubscriptionSet subscriptions)
    {
        Take(subscriptions, watchedAt: null);
        return Task.CompletedTask;
    }

    /// <summary>One fetch at a time, away from any grain's turn.</summary>
    private Task<SubscriptionIndex> Fetch()
    {
        lock (_fetchLock)
        {
            return _fetching is { IsCompleted: false } running ? running : _fetching = Task.Run(FetchAsync);
        }
    }

    private async Task<SubscriptionIndex> FetchAsync()
    {
        try
        {
            var watchedAt = Stopwatch.GetTimestamp();
            return Take(await grains.GetGrain<ISubscriptionRegistryGrain>(0).Watch(Self()), watchedAt);
        }
        catch (Exception ex)
        {
            LogFetchFailed(ex); // a shipment that must have a copy fails its write and is retried; one with a copy uses it
            throw;
        }
    }

    /// <summary>
    /// Keeps the newer of the copy and <paramref name="set"/> (pushes and fetches may cross); a fetch also says when this silo
    /// last asked, a push leaves that as it was.
    /// </summary>
    private SubscriptionIndex Take(SubscriptionSet set, long? watchedAt)
    {
        while (true)
        {
            var current = Volatile.Read(ref _copy);
            var newer = current is null || set.Version > current.Index.Version;
            if (!newer && watchedAt is null)
            {
                return current!.Index;
            }

            var fresh = new Copy(newer ? new SubscriptionIndex(set) : current!.Index, watchedAt ?? current?.WatchedAt ?? 0);
            if (Interlocked.CompareExchange(ref _copy, fresh, current) == current)
            {
                return fresh.Index;
            }
        }
    }

    /// <summary>This copy as the registry reaches it; made once, on first use.</summary>
    private ISubscriptionWatcher Self() =>
        LazyInitializer.EnsureInitialized(ref _self, ref _selfMade, ref _selfLock, () => grains.CreateObjectReference<ISubscriptionWatcher>(this))!;

    private sealed record Copy(SubscriptionIndex Index, long WatchedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching the webhook subscriptions failed")]
    private partial void LogFetchFailed(Exception exception);
}
