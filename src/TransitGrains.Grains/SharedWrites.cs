using Orleans;
using Orleans.Runtime;

namespace TransitGrains.Grains;

/// <summary>
/// Writes the state of a grain whose calls interleave, one write at a time, shared by every call that changed it: a
/// call that asks while a write is in flight waits for the next write, which starts when that one ends and stores every
/// change made until then. So a grain many callers change at once (a vessel loaded from many batches, a train booked by
/// many shipments) writes a few times, not once per caller, and each caller still returns only once its change is stored.
/// </summary>
internal sealed class SharedWrites<TState>(IPersistentState<TState> state)
{
    private Task _latest = Task.CompletedTask;
    private bool _nextNotStarted;

    /// <summary>The latest write asked for: in flight, waiting for the one before it, or done.</summary>
    public Task Latest => _latest;

    /// <summary>Completes once a write that started after this call's changes has stored them.</summary>
    public Task WriteAsync(IGrainBase grain)
    {
        if (!_nextNotStarted)
        {
            _nextNotStarted = true;
            _latest = WriteAfter(_latest, grain);
        }

        return _latest;
    }

    private async Task WriteAfter(Task previous, IGrainBase grain)
    {
        // The previous write's failure is its own callers' to see; this write carries their changes too and tries again.
        // On the grain's scheduler, like every turn of the grain.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _nextNotStarted = false; // from here on, a new change needs the write after this one
        await state.WriteOrReload(grain);
    }
}

internal static class PersistentStates
{
    /// <summary>
    /// Writes the grain's state. When the write fails, the activation's memory holds changes storage may not have
    /// (the caller was told it failed, and will retry): it is dropped, so the retry starts from what is stored instead
    /// of finding its own unstored change and taking it for done.
    /// </summary>
    public static async Task WriteOrReload<TState>(this IPersistentState<TState> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
