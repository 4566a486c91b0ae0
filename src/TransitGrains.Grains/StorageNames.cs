namespace TransitGrains.Grains;

public static class StorageNames
{
    /// <summary>The grain storage every TransitGrains grain writes to (in-memory or PostgreSQL).</summary>
    public const string Transit = "transit";
}
