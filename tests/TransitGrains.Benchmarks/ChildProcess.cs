using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace TransitGrains.Benchmarks;

/// <summary>A .NET program (the silo or the plain reference) run as a child process on loopback.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    // Started and not disposed yet: what StopAll stops when the benchmark itself is told to stop.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _name;

    private ChildProcess(Process process, string name, Uri baseAddress)
    {
        _process = process;
        _name = name;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    /// <summary>Null while it runs; once it has ended, its name and exit code.</summary>
    public string? Ended => _process.HasExited ? $"{_name} exited with {_process.ExitCode}" : null;

    /// <summary>From process start to the first 200 of /health/ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    public static async Task<ChildProcess> StartAsync(string dll, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(dll));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}");
        Running[process.Id] = process;
        var child = new ChildProcess(process, Path.GetFileName(dll), new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => child.Record(e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode}:\n{child.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(child.BaseAddress, "health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    child.StartupTime = clock.Elapsed;
                    return child;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }

            await Task.Delay(20);
        }

        await child.DisposeAsync();
        throw new TimeoutException($"{Path.GetFileName(dll)} not ready within {timeout}:\n{child.Tail()}");
    }

    /// <summary>SIGKILL: the process ends at once, with no shutdown of any kind.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Resident set size of the process (VmRSS in /proc), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS in /proc status");
    }

    /// <summary>CPU seconds the process used so far (user + system).</summary>
    public double CpuSeconds()
    {
        _process.Refresh();
        return _process.TotalProcessorTime.TotalSeconds;
    }

    public string Tail()
    {
        lock (_output)
        {
            var text = _output.ToString();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() => Stop(_process));
        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    /// <summary>Stops every child still running: when the benchmark is interrupted, its silos must not outlive it.</summary>
    public static void StopAll()
    {
        foreach (var process in Running.Values)
        {
            Stop(process);
        }
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            // SIGTERM: the host shuts down gracefully (the silo leaves the cluster table clean).
            Posix.Terminate(process.Id);
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
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
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }
        }
    }
}

internal static class Posix
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "sysconf", SetLastError = true)]
    private static extern long Sysconf(int name);

    public static void Terminate(int pid) => _ = Kill(pid, 15);

    /// <summary>The unit of the CPU times in /proc/PID/stat (_SC_CLK_TCK, 2 on Linux; almost always 100).</summary>
    public static double ClockTicksPerSecond() => Sysconf(2) is > 0 and var ticks ? ticks : 100;
}
