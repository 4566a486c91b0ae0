using System.Collections.Concurrent;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// The silos' journal: in-memory, but a test can make the next recording of a container's events fail, or hold them
/// until it lets them through. Containers are named by their number (tests use unique ones).
/// </summary>
public sealed class ScriptedJournal(IJournal inner) : IJournal
{
    private static readonly ConcurrentDictionary<string, bool> s_failNext = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, HeldWrites> s_held = new(StringComparer.Ordinal);

    /// <summary>The journal both silos share, to read what is durable.</summary>
    public static IJournal Stored { get; private set; } = null!;

    public static void FailNextRecording(string container) => s_failNext[container] = true;

    /// <summary>Recordings of <paramref name="container"/>'s events wait until the returned hold is disposed.</summary>
    public static HeldWrites HoldRecordings(string container) => s_held[container] = new HeldWrites(() => s_held.TryRemove(container, out _));

    /// <summary>How many webhook notifications the shipment's journaled stream leaves pending.</summary>
    public static async Task<int> PendingNotifications(string shipmentId)
    {
        var tail = await Stored.ReadAsync(JournalStreams.Shipment(shipmentId), 0);
        var state = new ShipmentState();
        foreach (var record in tail.Entries.Select(e => e.Record).OfType<JournalRecord>())
        {
            state.Apply(record);
        }

        return state.Notifications.Count;
    }

    public static ScriptedJournal Over(IJournal inner)
    {
        Stored = inner;
        return new ScriptedJournal(inner);
    }

    public async Task<EventsRecorded> RecordAsync(RecordEvents command)
    {
        var containers = command.Events.Select(e => e.ContainerNumber?.Value).OfType<string>().Distinct().ToList();
        foreach (var container in containers)
        {
            if (s_held.TryGetValue(container, out var held))
            {
                await held.Wait();
            }

            if (s_failNext.TryRemove(container, out _))
            {
                throw new StoreUnavailableException($"journal unavailable for {container} (scripted by the test)");
            }
        }

        return await inner.RecordAsync(command);
    }

    public Task<BookingRecorded> BookAsync(BookShipment command) => inner.BookAsync(command);

    public Task CancelAsync(CancelShipment command) => inner.CancelAsync(command);

    public Task DecideAsync(RecordDecision command) => inner.DecideAsync(command);

    public Task RecordAttemptsAsync(RecordAttempts command) => inner.RecordAttemptsAsync(command);

    public Task<JournalTail> ReadAsync(string stream, long after) => inner.ReadAsync(stream, after);

    public sealed class HeldWrites(Action forget) : IDisposable
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a recording has reached the hold.</summary>
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
