using NodaTime;
using Orleans;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Abstractions;

/// <summary>What the forwarders' listing needs to know of a shipment: whose it is, its status, when it was booked.</summary>
[GenerateSerializer, Immutable]
public sealed record ShipmentListing(
    [property: Id(0)] string Forwarder,
    [property: Id(1)] ShipmentStatus Status,
    [property: Id(2)] Instant BookedAt);

/// <summary>
/// A grain state that lists a shipment. The store keeps the listing in columns beside the state, in the same write, so
/// the listing is exactly as durable and as current as the state (no index written apart from it, nothing to repair).
/// </summary>
public interface IListedShipment
{
    /// <summary>Null while the shipment is not booked.</summary>
    ShipmentListing? Listing { get; }
}

/// <summary>
/// A place in the listing, which runs newest booking first: the shipment booked at <paramref name="BookedAt"/> under
/// <paramref name="Grain"/> (which orders shipments booked at the same instant). It never moves, since neither ever
/// changes, so a page that starts after it neither skips nor repeats a shipment, whatever is booked meanwhile.
/// </summary>
public sealed record ListingPosition(Instant BookedAt, GrainId Grain);

/// <param name="Forwarder">one forwarder's shipments, or (null) every forwarder's</param>
/// <param name="Status">only shipments with this status, or (null) all</param>
/// <param name="Among">only these shipment grains, or (null) any</param>
/// <param name="After">the page starts after this place, or (null) with the newest booking</param>
/// <param name="Limit">at most this many shipments</param>
public sealed record ShipmentQuery(
    string? Forwarder, ShipmentStatus? Status, IReadOnlyCollection<GrainId>? Among, ListingPosition? After, int Limit);

/// <summary>The shipment grains of one page, newest booking first, and where the next page starts (null: this is the last).</summary>
public sealed record ShipmentPage(IReadOnlyList<GrainId> Shipments, ListingPosition? Next)
{
    /// <summary>
    /// The page of a query with <paramref name="limit"/> from the listing's first rows for it, up to one more than the
    /// limit: that one only tells that a next page follows, which then starts after the page's last row.
    /// </summary>
    public static ShipmentPage Of(IReadOnlyList<ListingPosition> rows, int limit) =>
        new(rows.Take(limit).Select(r => r.Grain).ToList(), rows.Count > limit ? rows[limit - 1] : null);
}

/// <summary>Where any silo finds a page of the stored listings.</summary>
public interface IShipmentIndex
{
    Task<ShipmentPage> PageAsync(ShipmentQuery query, CancellationToken cancellationToken);
}
