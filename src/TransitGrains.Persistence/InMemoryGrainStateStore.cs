using System.Globalization;
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
    private readonly Dictionary<(string GrainId, string StateName), Row> _rows = [];
    private readonly Lock _lock = new();

    internal Row? Find(string grainId, string stateName)
    {
        lock (_lock)
        {
            return _rows.GetValueOrDefault((grainId, stateName));
        }
    }

    /// <summary>Stores the row if <paramref name="expectedVersion"/> is the stored one (null: none stored); answers the new version, or null.</summary>
    internal int? Write(string grainId, string stateName, int? expectedVersion, byte[] payload, Instant? wakeUpAt)
    {
        lock (_lock)
        {
            var stored = _rows.GetValueOrDefault((grainId, stateName))?.Version;
            if (stored != expectedVersion)
            {
                return null;
            }

            var version = (stored ?? 0) + 1;
            _rows[(grainId, stateName)] = new Row(payload, version, wakeUpAt);
            return version;
        }
    }

    internal bool Remove(string grainId, string stateName, int? expectedVersion)
    {
        lock (_lock)
        {
            return _rows.GetValueOrDefault((grainId, stateName))?.Version == expectedVersion && _rows.Remove((grainId, stateName));
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

    internal sealed record Row(byte[] Payload, int Version, Instant? WakeUpAt);
}

/// <summary>
/// Grain storage on an <see cref="InMemoryStateTable"/>, for the embedded default and fast tests: the contract of
/// <see cref="PostgresGrainStateStore"/> (binary serialization, versions, wake-up times), nothing durable.
/// </summary>
public sealed class InMemoryGrainStateStore(InMemoryStateTable table, IGrainStorageSerializer serializer, IActivatorProvider activators)
    : IGrainStorage, IWakeUpSchedule
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = table.Find(grainId.ToString(), stateName);
        grainState.State = row is null ? activators.GetActivator<T>().Create() : serializer.Deserialize<T>(new BinaryData(row.Payload));
        grainState.ETag = row?.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = row is not null;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State).ToArray();
        var version = table.Write(grainId.ToString(), stateName, Version(grainState.ETag), payload, (grainState.State as IWakeUpTime)?.WakeUpAt)
            ?? throw new InconsistentStateException(
                $"Version conflict writing {stateName} of {grainId}: stored version is not {grainState.ETag ?? "absent"}",
                storedEtag: null,
                currentEtag: grainState.ETag);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null && !table.Remove(grainId.ToString(), stateName, Version(grainState.ETag)))
        {
            throw new InconsistentStateException($"Version conflict clearing {stateName} of {grainId}", storedEtag: null, currentEtag: grainState.ETag);
        }

        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<GrainId>> DueAsync(Instant now, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(table.Due(now, limit));

    private static int? Version(string? etag) =>
        string.IsNullOrEmpty(etag) ? null : int.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);
}
