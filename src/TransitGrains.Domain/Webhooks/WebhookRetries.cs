using NodaTime;
using Orleans;

namespace TransitGrains.Domain.Webhooks;

/// <summary>
/// <c>Transit:Webhooks</c>: how deliveries are retried, and whether callbacks may reach private networks (outside the
/// Development environment they may not, unless this says so).
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Transit:Webhooks";

    /// <summary>The waits between attempts, as .NET TimeSpans; the default of api.md 1.1 when none are given.</summary>
    public List<TimeSpan> RetryDelays { get; init; } = [];

    public bool AllowPrivateNetworks { get; set; }

    public WebhookRetrySchedule ToSchedule()
    {
        if (RetryDelays.Any(d => d <= TimeSpan.Zero))
        {
            throw new InvalidOperationException($"{Section}:RetryDelays must all be positive (they are {string.Join(", ", RetryDelays)}).");
        }

        return new WebhookRetrySchedule(RetryDelays.Count == 0 ? WebhookRetrySchedule.Default : RetryDelays.Select(Duration.FromTimeSpan).ToList());
    }
}

/// <summary>How one attempt's answer counts (Standard Webhooks): a 2xx delivers, 410 Gone ends the subscription, anything else fails.</summary>
public enum WebhookAnswer
{
    Delivered,
    Gone,
    Failed,
}

/// <summary>
/// When a failed delivery is tried again: after each of <see cref="Delays"/> in turn, each stretched or shrunk by up to
/// <see cref="Jitter"/> (so that receivers that failed together are not all tried again at the same moment), then given
/// up. A <c>Retry-After</c> on 429 or 503 is honoured: the next attempt is not made before it (up to the longest delay).
/// </summary>
public sealed class WebhookRetrySchedule(IReadOnlyList<Duration> delays)
{
    public const double Jitter = 0.1;

    public static readonly IReadOnlyList<Duration> Default =
    [
        Duration.FromSeconds(5), Duration.FromMinutes(5), Duration.FromMinutes(30), Duration.FromHours(2), Duration.FromHours(5),
        Duration.FromHours(10), Duration.FromHours(14), Duration.FromHours(20), Duration.FromHours(24),
    ];

    public IReadOnlyList<Duration> Delays { get; } = delays;

    public static WebhookAnswer Classify(int? statusCode) => statusCode switch
    {
        >= 200 and <= 299 => WebhookAnswer.Delivered,
        410 => WebhookAnswer.Gone,
        _ => WebhookAnswer.Failed,
    };

    /// <summary>
    /// After the <paramref name="attempt"/>-th attempt (the first delivery is 1) failed at <paramref name="now"/>: when to
    /// try again, or null to give up. <paramref name="random"/> in [0, 1) places the jitter.
    /// </summary>
    public Instant? NextAttempt(int attempt, Instant now, int? statusCode, Duration? retryAfter, double random)
    {
        if (attempt > Delays.Count)
        {
            return null;
        }

        var wait = Delays[attempt - 1] * (1 + (Jitter * ((2 * random) - 1)));
        if (statusCode is 429 or 503 && retryAfter is { } asked)
        {
            wait = Duration.Max(wait, Duration.Min(asked, Delays.Max()));
        }

        return now + wait;
    }
}

/// <summary>One attempt to deliver a notification, as a subscription's deliveries log shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record DeliveryAttempt(
    [property: Id(0)] string WebhookId,
    [property: Id(1)] string Type,
    [property: Id(2)] string ShipmentId,
    [property: Id(3)] int Attempt,
    [property: Id(4)] Instant AttemptedAt,
    [property: Id(5)] int? StatusCode,
    [property: Id(6)] string? Error,
    [property: Id(7)] Instant? DeliveredAt,
    [property: Id(8)] Instant? NextAttemptAt)
{
    /// <summary>How many of its latest attempts a subscription keeps.</summary>
    public const int Kept = 200;
}
