using NodaTime;
using Orleans;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Events;

/// <summary>
/// An accepted event, as a port, terminal or rail system reported it. Corrections arrive as new events;
/// an event is never edited. <see cref="EventId"/> alone identifies it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TransitEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] EventType EventType,
    [property: Id(2)] EventCode EventCode,
    [property: Id(3)] EventClassifier Classifier,
    [property: Id(4)] OffsetDateTime EventDateTime,
    [property: Id(5)] UnLocode Location,
    [property: Id(6)] string? Facility,
    [property: Id(7)] TransportMode? ModeOfTransport,
    [property: Id(8)] string? ConveyanceId,
    [property: Id(9)] ContainerNumber? ContainerNumber,
    [property: Id(10)] string? DeclarationNumber,
    [property: Id(11)] Instant ReceivedAt)
{
    /// <summary>
    /// The name of the API key whose report this is (for a duplicate: of the first report, the one recorded). Kept
    /// with the event wherever it is stored, so a disputed event can be traced to its source. Null for events recorded
    /// before reporters were kept.
    /// </summary>
    [Id(12)]
    public string? ReportedBy { get; init; }

    /// <summary>Whether the port system said the container moved EMPTY or LADEN; null when it did not say (an EQUIPMENT event only).</summary>
    [Id(13)]
    public EmptyIndicator? EmptyIndicator { get; init; }

    public Instant OccurredAt => EventDateTime.ToInstant();

    public bool IsActual => Classifier == EventClassifier.ACT;

    public ConveyanceKey? Conveyance =>
        ModeOfTransport is { } mode && ConveyanceId is { } id ? new ConveyanceKey(mode, id) : null;

    public FoldPosition Position => new(OccurredAt, ReceivedAt, EventId);

    /// <summary>Fold order: by <see cref="Position"/>.</summary>
    public static readonly IComparer<TransitEvent> FoldOrder = Comparer<TransitEvent>.Create((a, b) => a.Position.CompareTo(b.Position));
}

/// <summary>
/// Where an event falls in fold order: by when it happened, then when we received it, then by id so the order is
/// total. On its own so that what keeps only part of an event (a conveyance's latest moves) orders it the same way.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct FoldPosition(
    [property: Id(0)] Instant OccurredAt,
    [property: Id(1)] Instant ReceivedAt,
    [property: Id(2)] string EventId) : IComparable<FoldPosition>
{
    public int CompareTo(FoldPosition other)
    {
        var byTime = OccurredAt.CompareTo(other.OccurredAt);
        if (byTime != 0)
        {
            return byTime;
        }

        var byReceipt = ReceivedAt.CompareTo(other.ReceivedAt);
        return byReceipt != 0 ? byReceipt : string.CompareOrdinal(EventId, other.EventId);
    }

    public static bool operator <(FoldPosition left, FoldPosition right) => left.CompareTo(right) < 0;

    public static bool operator <=(FoldPosition left, FoldPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >(FoldPosition left, FoldPosition right) => left.CompareTo(right) > 0;

    public static bool operator >=(FoldPosition left, FoldPosition right) => left.CompareTo(right) >= 0;
}

/// <summary>A conveyance (train, barge, vessel, truck) by its mode and id, e.g. RAIL/X8426-20210115.</summary>
[GenerateSerializer, Immutable]
public readonly record struct ConveyanceKey([property: Id(0)] TransportMode Mode, [property: Id(1)] string ConveyanceId)
{
    public override string ToString() => $"{Mode}/{ConveyanceId}";

    public static ConveyanceKey Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new ConveyanceKey(Enum.Parse<TransportMode>(key[..slash]), key[(slash + 1)..]);
    }
}
