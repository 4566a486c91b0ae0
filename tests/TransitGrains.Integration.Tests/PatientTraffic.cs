using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TransitGrains.Integration.Tests;

/// <summary>One HTTP request of a step: when it went out and when its answer came (on the run's clock), and the answer.</summary>
public sealed record Attempt(int Step, TimeSpan SentAt, TimeSpan AnsweredAt, HttpStatusCode? Status, TimeSpan? RetryAfter, string Body)
{
    public bool Succeeded => Status is HttpStatusCode.OK or HttpStatusCode.Created;

    public override string ToString() =>
        $"step {Step} sent at {SentAt.TotalSeconds:F1} s, answered at {AnsweredAt.TotalSeconds:F1} s: {(int?)Status} {Body}";
}

/// <summary>
/// Port systems and forwarders that do what the README asks of them: every request of a <see cref="PortTraffic"/> is
/// sent until it is answered, and a request answered 503 is sent again, unchanged, once its Retry-After has passed. Each
/// client sends one request at a time and pauses between requests, so the ingest is steady; every request is recorded.
/// </summary>
public sealed class PatientTraffic(IReadOnlyList<TrafficStep> steps, Stopwatch clock)
{
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentBag<EventAnswer> _answers = [];
    private readonly ConcurrentQueue<string> _booked = new();
    private int _next = -1;
    private int _answered;

    /// <summary>Steps answered 200 or 201 so far.</summary>
    public int Answered => Volatile.Read(ref _answered);

    public IReadOnlyList<Attempt> Attempts => [.. _attempts.OrderBy(a => a.SentAt)];

    /// <summary>Ids answered ACCEPTED or DUPLICATE in a 200 answer: api.md says they are durably stored.</summary>
    public IReadOnlySet<string> Acknowledged => _answers.Where(a => a.IsStored).Select(a => a.EventId).ToHashSet(StringComparer.Ordinal);

    public IEnumerable<EventAnswer> Answers => _answers;

    /// <summary>Shipments whose booking was answered, in that order.</summary>
    public IReadOnlyList<string> Booked => [.. _booked];

    public async Task RunAsync(IReadOnlyList<HttpClient> clients, TimeSpan pause, CancellationToken stop)
    {
        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < steps.Count)
            {
                await SendUntilAnsweredAsync(client, i, stop);
                Interlocked.Increment(ref _answered);
                await Task.Delay(pause, stop);
            }
        }, stop)));
    }

    private async Task SendUntilAnsweredAsync(HttpClient client, int step, CancellationToken stop)
    {
        while (true)
        {
            var attempt = await SendAsync(client, step, stop);
            _attempts.Enqueue(attempt);
            if (attempt.Succeeded)
            {
                return;
            }

            // Anything but a 503 is a failure the test reports; the request is still sent again, so the run goes on.
            await Task.Delay(attempt.RetryAfter ?? TimeSpan.FromSeconds(1), stop);
        }
    }

    private async Task<Attempt> SendAsync(HttpClient client, int step, CancellationToken stop)
    {
        var sentAt = clock.Elapsed;
        try
        {
            using var response = steps[step].Booking is { } booking
                ? await client.PostAsJsonAsync("/api/v1/shipments", booking.Booking, stop)
                : await client.PostAsJsonAsync("/api/v1/events", Scenario.Batch(steps[step].Events), stop);
            var body = await response.Content.ReadAsStringAsync(stop);
            var attempt = new Attempt(step, sentAt, clock.Elapsed, response.StatusCode, response.Headers.RetryAfter?.Delta, body);
            if (attempt.Succeeded && steps[step].Booking is { } booked)
            {
                _booked.Enqueue(booked.ShipmentId);
            }
            else if (attempt.Succeeded)
            {
                foreach (var result in JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray())
                {
                    _answers.Add(new EventAnswer(result.GetProperty("eventId").GetString()!, result.GetProperty("status").GetString()!, null));
                }
            }

            return attempt;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            return new Attempt(step, sentAt, clock.Elapsed, null, null, e.Message);
        }
    }
}
