using System.Diagnostics;
using System.Net;
using System.Text;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The silo program (Orleans + HTTP API) as a child process, started the way an operator starts it, so a test
/// can stop it gracefully or kill it with SIGKILL at any moment.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, Uri baseAddress, int siloPort)
    {
        _process = process;
        BaseAddress = baseAddress;
        SiloPort = siloPort;
    }

    public Uri BaseAddress { get; }

    public int SiloPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process printed so far, for the failure message of a test.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a silo with the given settings (as --key=value) and extra environment variables, and waits until
    /// /health/ready answers 200.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        IReadOnlyDictionary<string, string> settings, int? httpPort = null, int? siloPort = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var http = httpPort ?? FreePorts.Next();
        var clusterPort = siloPort ?? FreePorts.Next();
        var program = SiloProgram();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(program)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{http}");
        start.ArgumentList.Add("--environment=Development");
        start.ArgumentList.Add($"--Transit:Cluster:SiloPort={clusterPort}");
        start.ArgumentList.Add($"--Transit:Cluster:GatewayPort={FreePorts.Next()}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{http}"), clusterPort);
        process.OutputDataReceived += (_, e) => silo.Record(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <param name="timeout">per request; 60 s when not given</param>
    public HttpClient Client(string apiKey = "dev-admin-key", TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or a pulled plug.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the silo leaves the cluster and deactivates its grains.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan limit)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the silo was not ready within {limit}:\n{Output}");
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The silo as built next to this test assembly's configuration (Debug or Release).</summary>
    internal static string SiloProgram()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory); // tests/X/bin/{Configuration}/net10.0/
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var program = Path.Combine(Repository.Root, "silo", "TransitGrains.Silo", "bin", configuration, framework, "TransitGrains.Silo.dll");
        return File.Exists(program) ? program : throw new FileNotFoundException("build the silo first", program);
    }
}
