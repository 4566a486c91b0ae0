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

/// <summary>One kind of message in a grain's outbox: where its entries are stored and how one is sent.</summary>
internal interface IOutboxChannel
{
    /// <summary>Which channel it is, as the outbox metrics count it.</summary>
    PushChannel Kind { get; }

    /// <summary>The entries as stored in the grain's state, in the order they were added.</summary>
    IEnumerable<IOutboxEntry> Entries { get; }

    /// <summary>Tries to deliver one entry. Runs outside the grain's turn, so it reads nothing but the (immutable) entry.</summary>
    Task<OutboxAttempt> AttemptAsync(IOutboxEntry entry);
}

/// <summary>
/// The one outbox of a grain, for every kind of outbound message (design.md, "Outbox"). Entries are added to the state in
/// the same write as their cause; this delivers them. A timer starts the lanes that are due, in order within a lane
/// (<see cref="OutboxOrder"/>). A lane is sent away from the grain's turn, so a slow receiver never holds up the grain's
/// events; entries added to a lane while it is being sent follow as soon as the ones before them are delivered (and not
/// at all if one is not). The next tick hands the attempts to <paramref name="record"/>, which stores what they changed
/// and only then changes the grain's state. While everything waits longer than <see cref="SafetyNet"/>, the timer stops
/// and the grain's stored wake-up time brings it back; the same time brings it back after a crash (at once, when the
/// silo that held it is gone). What waits, and what each attempt did, is counted by channel (<see cref="TransitMetrics"/>)
/// while the grain is active here.
/// </summary>
internal sealed class Outbox(IGrainBase grain, IClock clock, Func<IReadOnlyList<OutboxAttempt>, Task> record, params IOutboxChannel[] channels)
{
    /// <summary>
    /// How long a waiting entry may go unattended before the stored wake-up brings the grain back. The timer delivers
    /// within a second and retries what is due within this span; it only comes due after a crash.
    /// </summary>
    public static readonly Duration SafetyNet = Duration.FromMinutes(1);

    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<Sent> _sent = new();
    private readonly Dictionary<(IOutboxChannel Channel, string Lane), Sending> _sending = [];
    // What waits here is counted while the grain is active on this silo, and where it activates next after that.
    private readonly object _counted = TransitMetrics.OutboxOpened(grain.GrainContext.Deactivated);
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

    private async Task TickAsync()
    {
        var now = clock.GetCurrentInstant();
        var attempts = new List<OutboxAttempt>();
        while (_sent.TryDequeue(out var sent))
        {
            var sending = _sending[(sent.Channel, sent.Lane)];
            sending.Ids.ExceptWith(sent.Batch.Select(e => e.Id));
            if (--sending.Batches == 0)
            {
                _sending.Remove((sent.Channel, sent.Lane));
            }

            attempts.AddRange(sent.Attempts);
            TransitMetrics.OutboxAttempted(
                sent.Channel.Kind,
                delivered: sent.Attempts.Count(a => a.Outcome == AttemptOutcome.Delivered),
                failed: sent.Attempts.Count(a => a.Outcome is AttemptOutcome.Failed or AttemptOutcome.GaveUp));
        }

        if (attempts.Count > 0)
        {
            await record(attempts);
        }

        foreach (var channel in channels)
        {
            foreach (var lane in OutboxOrder.DueLanes(channel.Entries, now))
            {
                Send(channel, lane);
            }
        }

        foreach (var channel in channels)
        {
            TransitMetrics.OutboxWaiting(_counted, channel.Kind, channel.Entries, clock);
        }

        if (_sending.Count == 0 && !channels.Any(c => OutboxOrder.AnyDueWithin(c.Entries, now, SafetyNet)))
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>
    /// Sends the entries of a due lane that are not on their way yet, away from the grain's turn (the grain goes on
    /// recording events while a receiver takes its time), after those of the lane that are.
    /// </summary>
    private void Send(IOutboxChannel channel, IReadOnlyList<IOutboxEntry> lane)
    {
        var key = (channel, lane[0].Lane);
        if (!_sending.TryGetValue(key, out var sending))
        {
            _sending[key] = sending = new Sending();
        }

        var batch = lane.Where(e => !sending.Ids.Contains(e.Id)).ToList();
        if (batch.Count == 0)
        {
            return;
        }

        var before = sending.Last;
        sending.Ids.UnionWith(batch.Select(e => e.Id));
        sending.Batches++;
        sending.Last = Task.Run(async () => await SendAsync(channel, key.Item2, batch, await before));
    }

    /// <summary>
    /// A batch's entries in order, until one is not delivered (none when the batch before it was not all delivered);
    /// handed back to the next tick. Answers whether all were delivered. Channels answer failures as attempts; should one
    /// throw all the same, what was done is still handed back and the entry stays as it was.
    /// </summary>
    private async Task<bool> SendAsync(IOutboxChannel channel, string lane, IReadOnlyList<IOutboxEntry> batch, bool proceed)
    {
        var attempts = new List<OutboxAttempt>();
        try
        {
            foreach (var entry in proceed ? batch : [])
            {
                var attempt = await channel.AttemptAsync(entry);
                attempts.Add(attempt);
                if (attempt.Outcome != AttemptOutcome.Delivered)
                {
                    return false;
                }
            }

            return proceed;
        }
        catch
        {
            return false;
        }
        finally
        {
            _sent.Enqueue(new Sent(channel, lane, batch, attempts));
        }
    }

    /// <summary>A batch handed back by <see cref="SendAsync"/>, with the attempts made.</summary>
    private sealed record Sent(IOutboxChannel Channel, string Lane, IReadOnlyList<IOutboxEntry> Batch, IReadOnlyList<OutboxAttempt> Attempts);

    /// <summary>The batches of one lane on their way: the ids of their entries, how many, and the last one.</summary>
    private sealed class Sending
    {
        public HashSet<string> Ids { get; } = new(StringComparer.Ordinal);

        public int Batches { get; set; }

        public Task<bool> Last { get; set; } = Task.FromResult(true);
    }
}
