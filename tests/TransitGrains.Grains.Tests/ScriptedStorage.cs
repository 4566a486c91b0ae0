using System.Collections.Concurrent;
using Orleans.Storage;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// The silos' grain storage: in-memory, but a test can make the next write of one grain fail, or hold the writes of
/// one grain until it lets them through. Grains are named by their primary key (tests use unique ids).
/// </summary>
public sealed class ScriptedStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, bool> s_failNext = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, HeldWrites> s_held = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, int> s_storedNotifications = new(StringComparer.Ordinal);

    public static void FailNextWrite(string key) => s_failNext[key] = true;

    /// <summary>How many webhook notifications the shipment's state held when it was last written (0 before its first write).</summary>
    public static int StoredNotifications(string shipmentId) => s_storedNotifications.GetValueOrDefault(shipmentId);

    /// <summary>Writes of <paramref name="key"/> wait until the returned hold is disposed.</summary>
    public static HeldWrites HoldWrites(string key) => s_held[key] = new HeldWrites(() => s_held.TryRemove(key, out _));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = grainId.Key.ToString()!;
        if (s_held.TryGetValue(key, out var held))
        {
            await held.Wait();
        }

        if (s_failNext.TryRemove(key, out _))
        {
            throw new IOException($"storage unavailable for {key} (scripted by the test)");
        }

        var notifications = grainState.State is ShipmentState shipment ? shipment.Notifications.Count : (int?)null;
        await inner.WriteStateAsync(stateName, grainId, grainState);
        if (notifications is { } stored)
        {
            s_storedNotifications[key] = stored;
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public sealed class HeldWrites(Action forget) : IDisposable
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a write has reached the hold.</summary>
        public Task Arrived => _arrived.Task;

        public void Dispose()
        {
            forget();
            _released.TrySetResult();
        }

        internal Task Wait()
        {
            _arrived.TrySetResult();
            return _released.Task;
        }
    }
}
