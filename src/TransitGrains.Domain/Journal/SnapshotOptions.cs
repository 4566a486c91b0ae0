namespace TransitGrains.Domain.Journal;

/// <summary>
/// How many journal entries a grain folds in before it writes a snapshot (<c>Transit:Journal</c>). A snapshot is only a
/// shortcut for the next activation: fewer entries mean more snapshot writes and shorter catch-ups.
/// </summary>
public sealed class SnapshotOptions
{
    public const string Section = "Transit:Journal";

    public int ShipmentSnapshotEvery { get; init; } = 64;

    /// <summary>A conveyance's stream grows with every shipment aboard; its snapshot is larger and written less often.</summary>
    public int ConveyanceSnapshotEvery { get; init; } = 256;

    public SnapshotOptions Validated() =>
        ShipmentSnapshotEvery >= 1 && ConveyanceSnapshotEvery >= 1
            ? this
            : throw new ArgumentOutOfRangeException(Section, "a snapshot is written every 1 or more entries");
}
