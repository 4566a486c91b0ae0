using System.Collections.Concurrent;
using NodaTime;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Outbox;

namespace TransitGrains.Grains;

/// <summary>How one attempt to deliver an outbox entry ended.</summary>
internal enum AttemptOutcome
{
    Delivered,

    /// <summary>Not delivered; tried again later.</summary>
    Failed,

    /// <summary>Not delivered, and never tried again.</summary>
    GaveUp,

    /// <summary>Nowhere to deliver to any more: this entry and the rest of its lane are dropped.</summary>
    LaneClosed,
}

/// <summary>
/// One attempt, made <paramref name="At"/> (any backoff counts from then, however late the attempt is recorded);
/// <paramref name="NextAttemptAt"/> when the attempt itself decided the next one.
/// </summary>
internal sealed record OutboxAttempt(string EntryId, AttemptOutcome Outcome, Instant At, Instant? NextAttemptAt = null);

/// <summary>One kind of message in a grain's outbox: where its entries are stored, how one is sent, and what an attempt changes.</summary>
internal interface IOutboxChannel
{
    /// <summary>The entries as stored in the grain's state, in the order they were added.</summary>
    IEnumerable<IOutboxEntry> Entries { get; }

    /// <summary>Tries to deliver one entry. Runs outside the grain's turn, so it reads nothing but the (immutable) entry.</summary>
    Task<OutboxAttempt> AttemptAsync(IOutboxEntry entry);

    /// <summary>Records attempts in the grain's state, in its turn; answers how many entries they settled.</summary>
    int Record(IReadOnlyList<OutboxAttempt> attempts);
}

/// <summary>
/// The one outbox of a grain, for every kind of outbound message (design.md, "Outbox"). Entries are added to the state in
/// the same write as their cause; this delivers them. A timer starts the lanes that are due, in order within a lane
/// (<see cref="OutboxOrder"/>); a lane is sent away from the grain's turn, so a slow receiver never holds up the grain's
/// events, and what the attempts changed is recorded and written by the next tick. While anything waits longer than
/// <see cref="SafetyNet"/>, the timer stops and the grain's stored wake-up time (<see cref="WakeUpAt"/>, written with its
/// state) brings it back; the same time brings it back after a crash.
/// </summary>
internal sealed class Outbox(IGrainBase grain, IClock clock, Func<Task> store, params IOutboxChannel[] channels)
{
    /// <summary>
    /// How long a waiting entry may go unattended before the stored wake-up brings the grain back. The timer delivers
    /// within a second and retries what is due within this span; it only comes due after a crash.
    /// </summary>
    public static readonly Duration SafetyNet = Duration.FromMinutes(1);

    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<(IOutboxChannel Channel, string Lane, IReadOnlyList<OutboxAttempt> Attempts)> _sent = new();
    private readonly HashSet<(IOutboxChannel Channel, string Lane)> _sending = [];
    private IGrainTimer? _timer;

    /// <summary>Delivers what is due now, then keeps delivering while anything is due soon. Call after a write that added entries.</summary>
    public void Deliver()
    {
        if (_timer is null)
        {
            _timer = grain.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TickPeriod));
        }
        else
        {
            _timer.Change(TimeSpan.Zero, TickPeriod);
        }
    }

    /// <summary>After activation or a wake-up: delivers whatever waits.</summary>
    public void Resume()
    {
        if (channels.Any(c => c.Entries.Any(e => !e.IsSettled)))
        {
            Deliver();
        }
    }

    /// <summary>When the grain must be woken for its outbox if nothing else happens; null when nothing waits.</summary>
    public Instant? WakeUpAt(Instant now) =>
        channels.Select(c => OutboxOrder.WakeUpAt(c.Entries, now, SafetyNet)).Min();

    private async Task TickAsync()
    {
        var now = clock.GetCurrentInstant();
        var recorded = false;
        while (_sent.TryDequeue(out var sent))
        {
            _sending.Remove((sent.Channel, sent.Lane));
            TransitMetrics.OutboxEntriesSettled(sent.Channel.Record(sent.Attempts));
            recorded = true;
        }

        if (recorded)
        {
            await store();
        }

        foreach (var channel in channels)
        {
            foreach (var lane in OutboxOrder.DueLanes(channel.Entries, now).Where(l => _sending.Add((channel, l[0].Lane))))
            {
                // Away from the grain's turn: the grain goes on recording events while a receiver takes its time.
                _ = Task.Run(() => SendAsync(channel, lane));
            }
        }

        if (_sending.Count == 0 && !channels.Any(c => OutboxOrder.AnyDueWithin(c.Entries, now, SafetyNet)))
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>
    /// A lane's entries in order, until one is not delivered; handed back to the next tick. Channels answer failures as
    /// attempts; should one throw all the same, what was done is still handed back and the entry stays as it was.
    /// </summary>
    private async Task SendAsync(IOutboxChannel channel, IReadOnlyList<IOutboxEntry> lane)
    {
        var attempts = new List<OutboxAttempt>();
        try
        {
            foreach (var entry in lane)
            {
                var attempt = await channel.AttemptAsync(entry);
                attempts.Add(attempt);
                if (attempt.Outcome != AttemptOutcome.Delivered)
                {
                    break;
                }
            }
        }
        finally
        {
            _sent.Enqueue((channel, lane[0].Lane, attempts));
        }
    }
}
