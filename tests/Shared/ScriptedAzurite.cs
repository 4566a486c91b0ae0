namespace TransitGrains.Testing;

/// <summary>
/// A private Azurite started through scripts/azurite.sh, for tests that take the queue down:
/// the shared one in TRANSIT_TEST_QUEUE must stay up for the tests running beside them.
/// </summary>
internal sealed class ScriptedAzurite : IAsyncDisposable
{
    private const string Script = "azurite.sh";

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
        var connectionString = await ServiceScript.RunAsync(Script, "start", directory);
        var port = int.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "azurite.port")));
        return new ScriptedAzurite(directory, connectionString, port);
    }

    public Task StopAsync() => ServiceScript.RunAsync(Script, "stop", _directory);

    public async Task RestartAsync() => await ServiceScript.RunAsync(Script, "start", _directory, _port.ToString());

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
