using System.Globalization;
using Orleans.Storage;

namespace TransitGrains.Persistence;

/// <summary>A stored state's version is its ETag (Orleans' storage contract): what both grain stores read and answer.</summary>
internal static class StateVersions
{
    /// <summary>The version a grain last read or wrote; null when it never saw a stored row.</summary>
    public static int? Of(string? etag) =>
        string.IsNullOrEmpty(etag) ? null : int.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The ETag of a stored version; null when nothing is stored.</summary>
    public static string? Etag(int? version) => version?.ToString(CultureInfo.InvariantCulture);

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
