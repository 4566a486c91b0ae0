using System.Net;

namespace TransitGrains.Integration.Tests;

/// <summary>What one request of the traffic got: the HTTP status and event answers, or why it failed.</summary>
public sealed record StepOutcome(HttpStatusCode? Status, IReadOnlyList<EventAnswer> Answers, string? Failure)
{
    public bool Answered => Failure is null;
}

/// <summary>
/// A load driver: sends the steps of a <see cref="PortTraffic"/> with a few concurrent workers over loopback,
/// spreading them over the given silos' clients, and records what each request was answered. Requests that
/// fail (a killed silo) are recorded as failed; steps not yet sent when the run is stopped stay null.
/// </summary>
public sealed class TrafficRun(IReadOnlyList<TrafficStep> steps)
{
    private readonly bool[] _sent = new bool[steps.Count];
    private int _next = -1;
    private int _answered;

    public IReadOnlyList<TrafficStep> Steps { get; } = steps;

    /// <summary>Per step: null when never sent.</summary>
    public StepOutcome?[] Outcomes { get; } = new StepOutcome?[steps.Count];

    public int Answered => Volatile.Read(ref _answered);

    public async Task RunAsync(IReadOnlyList<HttpClient> clients, int workers, CancellationToken stop = default)
    {
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref _next)) < Steps.Count)
            {
                Volatile.Write(ref _sent[i], true);
                Volatile.Write(ref Outcomes[i], await SendAsync(clients[i % clients.Count], Steps[i]));
                if (Outcomes[i]!.Answered)
                {
                    Interlocked.Increment(ref _answered);
                }
            }
        })));
    }

    /// <summary>
    /// Sends the whole traffic again, as port systems resend what they are unsure of, and checks the answers: none fails,
    /// none is REJECTED, and each of the <paramref name="acknowledged"/> events is answered DUPLICATE.
    /// </summary>
    public static async Task<TrafficRun> ResendAsync(PortTraffic traffic, HttpClient client, IReadOnlySet<string> acknowledged)
    {
        var resend = new TrafficRun(traffic.Steps);
        await resend.RunAsync([client], workers: 4);
        Assert.Empty(resend.Failed.Select(f => f.Outcome.Failure));
        Assert.DoesNotContain(resend.Answers, a => a.Status == "REJECTED");
        var notDuplicate = resend.Answers.Where(a => acknowledged.Contains(a.EventId) && a.Status != "DUPLICATE").ToList();
        Assert.True(notDuplicate.Count == 0, $"acknowledged before, answered again as: {string.Join("; ", notDuplicate)}");
        return resend;
    }

    /// <summary>The steps whose request is out now: sent, and neither answered nor failed yet.</summary>
    public IReadOnlyList<int> InFlight() =>
        Enumerable.Range(0, Steps.Count).Where(i => Volatile.Read(ref _sent[i]) && Volatile.Read(ref Outcomes[i]) is null).ToList();

    /// <summary>
    /// Of <paramref name="inFlight"/>, the steps whose request then ended without any HTTP answer (the connection
    /// died): what a kill right after <see cref="InFlight"/> cut off.
    /// </summary>
    public IReadOnlyList<int> CutOff(IEnumerable<int> inFlight) =>
        inFlight.Where(i => Outcomes[i] is { Answered: false, Status: null }).ToList();

    /// <summary>Events sent (also those whose request failed), counting each copy.</summary>
    public int EventsSent => Sent.Sum(p => p.Step.Events.Count);

    /// <summary>Ids answered ACCEPTED or DUPLICATE in a 200 answer: api.md says they are durably stored.</summary>
    public IReadOnlySet<string> Acknowledged => Answers.Where(a => a.IsStored).Select(a => a.EventId).ToHashSet(StringComparer.Ordinal);

    public IEnumerable<EventAnswer> Answers => Outcomes.Where(o => o is { Answered: true }).SelectMany(o => o!.Answers);

    /// <summary>Bookings answered 201 or 200.</summary>
    public IReadOnlySet<string> Booked => Sent.Where(p => p.Step.Booking is not null && p.Outcome.Answered)
        .Select(p => p.Step.Booking!.ShipmentId).ToHashSet(StringComparer.Ordinal);

    public IEnumerable<(TrafficStep Step, StepOutcome Outcome)> Failed => Sent.Where(p => !p.Outcome.Answered);

    private IEnumerable<(TrafficStep Step, StepOutcome Outcome)> Sent =>
        Steps.Zip(Outcomes).Where(p => p.Second is not null).Select(p => (p.First, p.Second!));

    private static async Task<StepOutcome> SendAsync(HttpClient client, TrafficStep step)
    {
        try
        {
            return step.Booking is { } booking
                ? new StepOutcome(await client.BookAsync(booking.Booking), [], null)
                : new StepOutcome(HttpStatusCode.OK, await client.PostEventsAsync(step.Events), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new StepOutcome(e is HttpRequestException { StatusCode: { } status } ? status : null, [], e.Message);
        }
    }
}
