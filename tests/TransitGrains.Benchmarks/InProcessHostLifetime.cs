using Microsoft.Extensions.Hosting;

namespace TransitGrains.Benchmarks;

/// <summary>
/// The lifetime of a host the benchmark runs inside its own process. The default console lifetime takes SIGINT and
/// SIGTERM for itself (it cancels the process's exit and stops only its host), so an interrupted run would go on with
/// its next phases; with this one the benchmark's own handler stops the silos it started and the process ends.
/// </summary>
internal sealed class InProcessHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
