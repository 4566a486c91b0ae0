using TransitGrains.Domain.Journal;

namespace TransitGrains.Abstractions;

/// <summary>
/// The event journal: the durable record of every accepted event, booking and shipment decision. Commands that arrive at
/// the same time are planned together (<see cref="JournalPlanner"/>) and committed in one transaction; each call completes
/// once its command is committed. A grain's state is a snapshot plus its stream read back after the snapshot's position.
/// A command that cannot be committed fails with <see cref="StoreUnavailableException"/>, and nothing of it is stored.
/// </summary>
public interface IJournal
{
    Task<EventsRecorded> RecordAsync(RecordEvents command);

    Task<BookingRecorded> BookAsync(BookShipment command);

    Task CancelAsync(CancelShipment command);

    Task DecideAsync(RecordDecision command);

    Task RecordAttemptsAsync(RecordAttempts command);

    /// <summary>The entries of <paramref name="stream"/> after <paramref name="after"/>, in journal order.</summary>
    Task<JournalTail> ReadAsync(string stream, long after);
}
