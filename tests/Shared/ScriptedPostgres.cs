namespace TransitGrains.Testing;

/// <summary>
/// A private PostgreSQL cluster started through scripts/postgres.sh, for tests that take the database down: the shared
/// one in TRANSIT_TEST_PG must stay up for every other test.
/// </summary>
internal sealed class ScriptedPostgres : IAsyncDisposable
{
    private const string Script = "postgres.sh";

    private readonly string _directory;

    private ScriptedPostgres(string directory, string connectionString)
    {
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>The cluster's database <c>transit</c> (empty when started).</summary>
    public string ConnectionString { get; }

    public static async Task<ScriptedPostgres> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("transit-pg-").FullName;
        return new ScriptedPostgres(directory, await ServiceScript.RunAsync(Script, "start", directory));
    }

    /// <summary>Stops the server at once (<c>pg_ctl -m immediate</c>): every connection breaks, as when it crashes.</summary>
    public Task KillAsync() => ServiceScript.RunAsync(Script, "kill", _directory);

    /// <summary>Starts the same cluster again, with its data, on the same port: as when the database comes back.</summary>
    public async Task RestartAsync()
    {
        var again = await ServiceScript.RunAsync(Script, "start", _directory);
        if (again != ConnectionString)
        {
            throw new InvalidOperationException($"PostgreSQL came back as {again}, not on its old port ({ConnectionString})");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ServiceScript.RunAsync(Script, "stop", _directory);
        Directory.Delete(_directory, recursive: true);
    }
}
