using Orleans;
using Orleans.Runtime;

namespace TransitGrains.Grains;

internal static class DurableWrites
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
