using System.Threading.Channels;

namespace TransitGrains.Persistence;

/// <summary>A request a <see cref="RequestBatcher{TRequest}"/> executes in a group with others.</summary>
internal abstract class BatchedRequest<TResult>
{
    // Completed from a batcher worker: the waiting grain must continue on its own scheduler, not on the worker.
    private readonly TaskCompletionSource<TResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Completion => _done.Task;

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
    private readonly int _maxGroup;
    private readonly Task[] _workers;

    /// <param name="execute">Executes one group and completes each request; if it throws, every request of the group not yet
    /// completed fails with that exception.</param>
    public RequestBatcher(Func<IReadOnlyList<TRequest>, Task> execute, int maxGroup, int concurrency)
    {
        _execute = execute;
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

    /// <summary>Executes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }
}
