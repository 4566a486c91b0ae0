using System.Globalization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace TransitGrains.Persistence;

/// <summary>
/// A stored state's version is its ETag (Orleans' storage contract), and a grain holds what was read, written or cleared:
/// what both grain stores answer alike.
/// </summary>
internal static class StateVersions
{
    /// <summary>The version a grain last read or wrote; null when it never saw a stored row.</summary>
    public static int? Of(string? etag) =>
        string.IsNullOrEmpty(etag) ? null : int.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The ETag of a stored version; null when nothing is stored.</summary>
    public static string? Etag(int? version) => version?.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The state as read: the stored payload at its version, or a new state when no row (or no payload) is stored.
    /// </summary>
    public static void Loaded<T>(
        IGrainState<T> state, byte[]? payload, int? version, IGrainStorageSerializer serializer, IActivatorProvider activators)
    {
        state.State = payload is null ? activators.GetActivator<T>().Create() : serializer.Deserialize<T>(new BinaryData(payload));
        state.ETag = Etag(version);
        state.RecordExists = version is not null;
    }

    /// <summary>The state after its row was removed: a new one, with nothing stored.</summary>
    public static void Cleared<T>(IGrainState<T> state, IActivatorProvider activators)
    {
        state.State = activators.GetActivator<T>().Create();
        state.ETag = null;
        state.RecordExists = false;
    }

    /// <summary>The state is stored at <paramref name="version"/>.</summary>
    public static void Stored<T>(IGrainState<T> state, int version)
    {
        state.ETag = Etag(version);
        state.RecordExists = true;
    }

    public static InconsistentStateException Conflict<T>(string operation, string stateName, GrainId grainId, IGrainState<T> state) =>
        new($"Version conflict {operation} {stateName} of {grainId}: stored version is not {state.ETag ?? "absent"}",
            storedEtag: null, currentEtag: state.ETag);
}
