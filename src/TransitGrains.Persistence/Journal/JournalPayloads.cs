using Orleans.Serialization;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Journal;

namespace TransitGrains.Persistence.Journal;

/// <summary>
/// Events and records as the journal stores them: Orleans' binary serialization (NodaTime values through registered
/// surrogates), the grain storage's format too. Records are written as <see cref="JournalRecord"/>, so each carries its
/// type (by alias) and reads back as what it was.
/// </summary>
internal sealed class JournalPayloads(Serializer serializer)
{
    /// <summary>The kind column: a transport event, another event, a record.</summary>
    public const short TransportEvent = 1;
    public const short OtherEvent = 2;
    public const short Record = 3;

    public byte[] Of(TransitEvent e) => serializer.SerializeToArray(e);

    public byte[] Of(JournalRecord record) => serializer.SerializeToArray(record);

    public TransitEvent Event(byte[] payload) =>
        serializer.Deserialize<TransitEvent>(payload) ?? throw new InvalidOperationException("a journaled event reads back as nothing");

    public JournalRecord RecordOf(byte[] payload) =>
        serializer.Deserialize<JournalRecord>(payload) ?? throw new InvalidOperationException("a journaled record reads back as nothing");

    public static short KindOf(PlannedEntry entry) =>
        entry.Event is null ? Record : entry.Event.EventType == EventType.TRANSPORT ? TransportEvent : OtherEvent;
}
