using TransitGrains.Abstractions;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Persistence.Journal;

/// <summary>
/// Where a journal keeps its rows: it commits a group of commands in one transaction (reading what the plan needs under
/// the journal's lock, planning with <see cref="JournalPlanner"/>, writing the plan) and reads streams back.
/// </summary>
internal interface IJournalStore
{
    Task<JournalPlan> CommitAsync(IReadOnlyList<JournalCommand> commands);

    Task<IReadOnlyList<JournalTail>> ReadAsync(IReadOnlyList<StreamRead> reads);
}

/// <summary>A stream to read after a position.</summary>
internal readonly record struct StreamRead(string Stream, long After);

/// <summary>
/// The journal with group commit: the commands that arrive while a group is being committed are gathered into the next
/// group, so concurrent batches, bookings and decisions share one transaction and one WAL flush; each call completes
/// once the transaction holding its command has committed. Reads made at the same time (a burst of activations) are
/// gathered into one query the same way.
/// </summary>
internal sealed class GroupCommitJournal : IJournal, IAsyncDisposable
{
    // Bounds a group's statements and the wait of its last command.
    private const int MaxGroup = 256;

    // Two groups in flight: the next one's reads wait at the journal's lock while the one before commits.
    private const int Concurrency = 2;

    private readonly RequestBatcher<PendingCommand, object?> _commands;
    private readonly RequestBatcher<PendingRead, JournalTail> _reads;

    public GroupCommitJournal(IJournalStore store)
    {
        _commands = new RequestBatcher<PendingCommand, object?>(async group =>
        {
            var plan = await store.CommitAsync(group.Select(c => c.Command).ToList());
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Complete(plan.Results[i]);
            }
        }, "journal commit", MaxGroup, Concurrency);
        _reads = new RequestBatcher<PendingRead, JournalTail>(async group =>
        {
            var tails = await store.ReadAsync(group.Select(r => r.Read).ToList());
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Complete(tails[i]);
            }
        }, "journal read", MaxGroup, Concurrency);
    }

    public async Task<EventsRecorded> RecordAsync(RecordEvents command) => (EventsRecorded)(await Commit(command))!;

    public async Task<BookingRecorded> BookAsync(BookShipment command) => (BookingRecorded)(await Commit(command))!;

    public Task CancelAsync(CancelShipment command) => Commit(command);

    public Task DecideAsync(RecordDecision command) => Commit(command);

    public Task RecordAttemptsAsync(RecordAttempts command) => Commit(command);

    public Task<JournalTail> ReadAsync(string stream, long after) => _reads.Submit(new PendingRead(new StreamRead(stream, after)));

    private Task<object?> Commit(JournalCommand command) => _commands.Submit(new PendingCommand(command));

    public async ValueTask DisposeAsync()
    {
        await _commands.DisposeAsync();
        await _reads.DisposeAsync();
    }

    private sealed class PendingCommand(JournalCommand command) : BatchedRequest<object?>
    {
        public JournalCommand Command { get; } = command;
    }

    private sealed class PendingRead(StreamRead read) : BatchedRequest<JournalTail>
    {
        public StreamRead Read { get; } = read;
    }
}
