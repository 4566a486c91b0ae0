using NodaTime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence;

/// <summary>
/// Grain states kept in this process's memory: what a database table would hold. Silos of one test cluster in one
/// process share an instance, as silos share a database; the embedded default has one of its own.
/// </summary>
public sealed class InMemoryStateTable
{
    // The listing's order: newest booking first, then by grain id, as PostgreSQL reads its listing indexes backwards.
    private static readonly Comparer<ListingPosition> NewestFirst = Comparer<ListingPosition>.Create((a, b) =>
        a.BookedAt != b.BookedAt ? b.BookedAt.CompareTo(a.BookedAt) : b.Grain.CompareTo(a.Grain));

    private readonly Dictionary<(string GrainId, string StateName), Row> _rows = [];

    // Every listed shipment's listing, and its place in the listing's order: a page is a walk from where the last ended.
    private readonly Dictionary<GrainId, ShipmentListing> _listings = [];
    private readonly SortedSet<ListingPosition> _listed = new(NewestFirst);
    private readonly Lock _lock = new();

    internal Row? Find(string grainId, string stateName)
    {
        lock (_lock)
        {
            return _rows.GetValueOrDefault((grainId, stateName));
        }
    }

    /// <summary>Stores the row if <paramref name="expectedVersion"/> is the stored one (null: none stored); answers the new version, or null.</summary>
    internal int? Write(string grainId, string stateName, int? expectedVersion, byte[] payload, Instant? wakeUpAt, ShipmentListing? listing)
    {
        lock (_lock)
        {
            var stored = _rows.GetValueOrDefault((grainId, stateName));
            if (stored?.Version != expectedVersion)
            {
                return null;
            }

            var version = (expectedVersion ?? 0) + 1;
            Unlist(grainId, stored);
            _rows[(grainId, stateName)] = new Row(payload, version, wakeUpAt, listing);
            if (listing is not null)
            {
                var grain = GrainId.Parse(grainId);
                _listings[grain] = listing;
                _listed.Add(new ListingPosition(listing.BookedAt, grain));
            }

            return version;
        }
    }

    internal bool Remove(string grainId, string stateName, int? expectedVersion)
    {
        lock (_lock)
        {
            var stored = _rows.GetValueOrDefault((grainId, stateName));
            if (stored?.Version != expectedVersion || !_rows.Remove((grainId, stateName)))
            {
                return false;
            }

            Unlist(grainId, stored);
            return true;
        }
    }

    private void Unlist(string grainId, Row? row)
    {
        if (row?.Listing is { } listing)
        {
            var grain = GrainId.Parse(grainId);
            _listings.Remove(grain);
            _listed.Remove(new ListingPosition(listing.BookedAt, grain));
        }
    }

    internal IReadOnlyList<GrainId> Due(Instant now, int limit)
    {
        lock (_lock)
        {
            return _rows
                .Where(r => r.Value.WakeUpAt <= now)
                .OrderBy(r => r.Value.WakeUpAt)
                .Select(r => GrainId.Parse(r.Key.GrainId))
                .Distinct()
                .Take(limit)
                .ToList();
        }
    }

    internal ShipmentPage Page(ShipmentQuery query)
    {
        lock (_lock)
        {
            var candidates = query.Among is { } among
                ? among.Where(_listings.ContainsKey).Select(g => new ListingPosition(_listings[g].BookedAt, g)).Order(NewestFirst)
                : From(query.After);
            var rows = candidates
                .Where(p => (query.After is null || NewestFirst.Compare(p, query.After) > 0)
                    && _listings[p.Grain] is var listing
                    && (query.Forwarder is null || listing.Forwarder == query.Forwarder)
                    && (query.Status is null || listing.Status == query.Status))
                .Take(query.Limit + 1)
                .ToList();
            return ShipmentPage.Of(rows, query.Limit);
        }
    }

    /// <summary>The listing from <paramref name="position"/> on (itself included, when listed), without walking what comes before.</summary>
    private IEnumerable<ListingPosition> From(ListingPosition? position) =>
        position is null ? _listed
        : _listed.Count == 0 || NewestFirst.Compare(position, _listed.Max!) > 0 ? []
        : _listed.GetViewBetween(position, _listed.Max!);

    internal sealed record Row(byte[] Payload, int Version, Instant? WakeUpAt, ShipmentListing? Listing);
}

/// <summary>
/// Grain storage on an <see cref="InMemoryStateTable"/>, for the embedded default and fast tests: the contract of
/// <see cref="PostgresGrainStateStore"/> (binary serialization, versions, wake-up times, the shipment listing), nothing durable.
/// </summary>
public sealed class InMemoryGrainStateStore(InMemoryStateTable table, IGrainStorageSerializer serializer, IActivatorProvider activators)
    : IGrainStorage, IWakeUpSchedule, IShipmentIndex
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = table.Find(grainId.ToString(), stateName);
        StateVersions.Loaded(grainState, row?.Payload, row?.Version, serializer, activators);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State).ToArray();
        var version = table.Write(
                grainId.ToString(), stateName, StateVersions.Of(grainState.ETag), payload, (grainState.State as IWakeUpTime)?.WakeUpAt,
                (grainState.State as IListedShipment)?.Listing)
            ?? throw StateVersions.Conflict("writing", stateName, grainId, grainState);
        StateVersions.Stored(grainState, version);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null && !table.Remove(grainId.ToString(), stateName, StateVersions.Of(grainState.ETag)))
        {
            throw StateVersions.Conflict("clearing", stateName, grainId, grainState);
        }

        StateVersions.Cleared(grainState, activators);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<GrainId>> DueAsync(Instant now, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(table.Due(now, limit));

    public Task<ShipmentPage> PageAsync(ShipmentQuery query, CancellationToken cancellationToken) => Task.FromResult(table.Page(query));
}
