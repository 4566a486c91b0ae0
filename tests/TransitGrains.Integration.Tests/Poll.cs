using System.Diagnostics;

namespace TransitGrains.Integration.Tests;

/// <summary>Waiting for a condition on a busy machine: poll it often, give up at a generous but bounded limit.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what, int intervalMs = 100)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e; // a silo that is still recovering may refuse or time out
            }

            await Task.Delay(intervalMs);
        }

        throw new TimeoutException($"not within {limit}: {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, string what, int intervalMs = 5) =>
        UntilAsync(() => Task.FromResult(condition()), limit, what, intervalMs);
}
