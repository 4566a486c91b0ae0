using NodaTime;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Abstractions;

/// <summary>
/// A place in the listing, which runs newest booking first: the shipment booked at <paramref name="BookedAt"/> as
/// <paramref name="ShipmentId"/> (which orders shipments booked at the same instant). It never moves, since neither ever
/// changes, so a page that starts after it neither skips nor repeats a shipment, whatever is booked meanwhile.
/// </summary>
public sealed record ListingPosition(Instant BookedAt, string ShipmentId);

/// <param name="Forwarder">one forwarder's shipments, or (null) every forwarder's</param>
/// <param name="Status">only shipments with this status, or (null) all</param>
/// <param name="Container">only shipments this container was booked on, or (null) any</param>
/// <param name="After">the page starts after this place, or (null) with the newest booking</param>
/// <param name="Limit">at most this many shipments</param>
public sealed record ShipmentQuery(
    string? Forwarder, ShipmentStatus? Status, string? Container, ListingPosition? After, int Limit);

/// <summary>The shipments of one page, newest booking first, and where the next page starts (null: this is the last).</summary>
public sealed record ShipmentPage(IReadOnlyList<string> Shipments, ListingPosition? Next)
{
    /// <summary>
    /// The page of a query with <paramref name="limit"/> from the listing's first rows for it, up to one more than the
    /// limit: that one only tells that a next page follows, which then starts after the page's last row.
    /// </summary>
    public static ShipmentPage Of(IReadOnlyList<ListingPosition> rows, int limit) =>
        new(rows.Take(limit).Select(r => r.ShipmentId).ToList(), rows.Count > limit ? rows[limit - 1] : null);
}

/// <summary>Where any silo finds a page of the stored listings, and whose containers are whose.</summary>
public interface IShipmentIndex
{
    Task<ShipmentPage> PageAsync(ShipmentQuery query, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="containers"/> whose latest booking is a shipment of <paramref name="forwarder"/>.</summary>
    Task<IReadOnlySet<string>> BookedByAsync(string forwarder, IReadOnlyCollection<string> containers, CancellationToken cancellationToken);
}
