namespace TransitGrains.Testing;

/// <summary>Where the repository is, seen from a test assembly's output.</summary>
public static class Repository
{
    /// <summary>The folder of TransitGrains.sln, above the test assembly.</summary>
    public static string Root { get; } = Find(AppContext.BaseDirectory);

    private static string Find(string from)
    {
        for (var folder = new DirectoryInfo(from); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TransitGrains.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no TransitGrains.sln above {from}");
    }
}
