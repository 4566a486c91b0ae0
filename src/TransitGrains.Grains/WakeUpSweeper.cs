using Microsoft.Extensions.Logging;
using NodaTime;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Grains;

/// <summary>
/// Wakes the grains whose wake-up row in the journal has come due, and at once those whose outbox was held by a silo that
/// is no longer an active member of the cluster (its delivery timers died with it): every few seconds, once the silo is
/// active. Every silo looks, so a wake-up survives the loss of any of them; a grain woken twice finds nothing due the
/// second time.
/// </summary>
public sealed partial class WakeUpSweeper(
    IWakeUpSchedule schedule,
    IGrainFactory grains,
    IClusterMembershipService membership,
    IClock clock,
    ILogger<WakeUpSweeper> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How often the store is asked; a refund deadline is acted on within about this long of passing.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private const int PerQuery = 500;

    private static readonly string ShipmentStreamPrefix = JournalStreams.Shipment("");

    private readonly CancellationTokenSource _stopping = new();
    private Task _sweeping = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WakeUpSweeper), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken _)
    {
        _sweeping = Task.Run(SweepAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _sweeping.WaitAsync(cancellationToken);
    }

    private async Task SweepAsync()
    {
        var stopping = _stopping.Token;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                try
                {
                    await WakeDueAsync(stopping);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogSweepFailed(ex); // the store may be down: the next round tries again
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // the silo is stopping
        }
    }

    private async Task WakeDueAsync(CancellationToken cancellationToken)
    {
        var live = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToList();
        IReadOnlyList<string> due;
        do
        {
            due = await schedule.DueAsync(clock.GetCurrentInstant(), live, PerQuery, cancellationToken);
            await Task.WhenAll(due.Select(WakeAsync));
        }
        while (due.Count == PerQuery && !cancellationToken.IsCancellationRequested);
    }

    private async Task WakeAsync(string stream)
    {
        try
        {
            await GrainOf(stream).WakeUp();
        }
        catch (Exception ex)
        {
            LogWakeUpFailed(ex, stream); // it stays due, so the next round wakes it again
        }
    }

    // Only shipments keep wake-up rows.
    private IWakeUpGrain GrainOf(string stream) =>
        stream.StartsWith(ShipmentStreamPrefix, StringComparison.Ordinal)
            ? grains.GetGrain<IShipmentGrain>(stream[ShipmentStreamPrefix.Length..])
            : throw new InvalidOperationException($"no grain wakes up for stream {stream}");

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for grains to wake failed; trying again in a few seconds")]
    private partial void LogSweepFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking the grain of {Stream} failed; it stays due")]
    private partial void LogWakeUpFailed(Exception exception, string stream);
}
