using System.Diagnostics;

namespace TransitGrains.Testing;

/// <summary>Runs one of the repository's service scripts (scripts/postgres.sh, scripts/azurite.sh) as a test needs it.</summary>
internal static class ServiceScript
{
    /// <summary>Runs <c>scripts/{script}</c> with the arguments and returns the value of the VARIABLE='...' line it printed, if any.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "scripts", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true); // or the script (and what it started) outlives the test run
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed: {await error}");
        }

        // The scripts print VARIABLE='...' for eval.
        var line = (await output).Trim();
        return line.Length == 0 ? "" : line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('\'');
    }
}
