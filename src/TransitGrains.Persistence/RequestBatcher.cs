using System.Diagnostics;
using System.Threading.Channels;

namespace TransitGrains.Persistence;

/// <summary>A request a <see cref="RequestBatcher{TRequest}"/> executes in a group with others.</summary>
internal abstract class BatchedRequest<TResult>
{
    // Completed from a batcher worker: the waiting grain must continue on its own scheduler, not on the worker.
    private readonly TaskCompletionSource<TResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Completion => _done.Task;

    /// <summary>The trace of the call that made the request, for the group's span to continue.</summary>
    public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;

    public void Complete(TResult result) => _done.TrySetResult(result);

    public void Fail(Exception error) => _done.TrySetException(error);
}

/// <summary>
/// Group execution ("group commit"): requests that arrive while earlier ones are being executed are gathered and
/// executed together, in one statement and one transaction. It never waits to fill a group: on an idle store a lone
/// request goes at once; under load each group takes everything that queued up during the previous execution, up to
/// <c>maxGroup</c>. A few executions run at a time, so one slow commit does not hold up the next group.
/// </summary>
internal sealed class RequestBatcher<TRequest, TResult> : IAsyncDisposable
    where TRequest : BatchedRequest<TResult>
{
    private readonly Channel<TRequest> _queue = Channel.CreateUnbounded<TRequest>();
    private readonly Func<IReadOnlyList<TRequest>, Task> _execute;
    private readonly string _operation;
    private readonly int _maxGroup;
    private readonly Task[] _workers;

    /// <param name="execute">Executes one group and completes each request; if it throws, every request of the group not yet
    /// completed fails with that exception.</param>
    /// <param name="operation">The name of a group's span.</param>
    public RequestBatcher(Func<IReadOnlyList<TRequest>, Task> execute, string operation, int maxGroup, int concurrency)
    {
        _execute = execute;
        _operation = operation;
        _maxGroup = maxGroup;
        _workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    public Task<TResult> Submit(TRequest request)
    {
        if (!_queue.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(RequestBatcher<TRequest, TResult>), "the store is shutting down");
        }

        return request.Completion;
    }

    private async Task WorkAsync()
    {
        var group = new List<TRequest>(_maxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var request))
            {
                group.Add(request);
            }

            if (group.Count == 0)
            {
                continue; // another worker took them
            }

            using var span = GroupSpan(group);
            try
            {
                await _execute(group);
            }
            catch (Exception error)
            {
                foreach (var request in group)
                {
                    request.Fail(error);
                }
            }
        }
    }

    /// <summary>
    /// One group runs for many callers: its span continues the first caller's trace and links the others', so the trace
    /// of each batch reaches the commit that made it durable (and the PostgreSQL commands under it).
    /// </summary>
    private Activity? GroupSpan(List<TRequest> group)
    {
        if (!TransitTracing.Source.HasListeners())
        {
            return null;
        }

        var links = group.Skip(1).Where(r => r.Caller != default).Select(r => new ActivityLink(r.Caller)).ToList();
        return TransitTracing.Source.StartActivity(
            _operation, ActivityKind.Internal, group[0].Caller, [new("transit.group.size", group.Count)], links);
    }

    /// <summary>Executes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }
}
