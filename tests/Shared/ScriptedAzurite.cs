using System.Diagnostics;

namespace TransitGrains.Testing;

/// <summary>
/// A private Azurite started through scripts/azurite.sh, for tests that take the queue down:
/// the shared one in TRANSIT_TEST_QUEUE must stay up for the tests running beside them.
/// </summary>
internal sealed class ScriptedAzurite : IAsyncDisposable
{
    private readonly string _directory;
    private readonly int _port;

    private ScriptedAzurite(string directory, string connectionString, int port)
    {
        _directory = directory;
        ConnectionString = connectionString;
        _port = port;
    }

    public string ConnectionString { get; }

    public static async Task<ScriptedAzurite> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("transit-azurite-").FullName;
        var connectionString = await RunScriptAsync("start", directory);
        var port = int.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "azurite.port")));
        return new ScriptedAzurite(directory, connectionString, port);
    }

    public Task StopAsync() => RunScriptAsync("stop", _directory);

    public async Task RestartAsync() => await RunScriptAsync("start", _directory, _port.ToString());

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Runs the script and returns the connection string it printed, if any.</summary>
    private static async Task<string> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "azurite.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"azurite.sh {string.Join(' ', arguments)} failed: {await error}");
        }

        // The script prints TRANSIT_TEST_QUEUE='...' for eval.
        var line = (await output).Trim();
        return line.Length == 0 ? "" : line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('\'');
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "azurite.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"scripts/azurite.sh not found above {AppContext.BaseDirectory}");
    }
}
