using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Api;

public sealed record EventBatch(
    [property: Required, MinLength(1), MaxLength(EventEndpoints.MaxBatch), Description("Events, each answered in order.")]
    IReadOnlyList<EventSubmission?>? Events);

public enum EventResultStatus
{
    ACCEPTED,
    DUPLICATE,
    REJECTED,
}

public sealed record EventResult(string? EventId, EventResultStatus Status, string? Error);

public sealed record EventBatchResult(IReadOnlyList<EventResult> Results);

public static class EventEndpoints
{
    public const int MaxBatch = 1000;

    public const string ReportOperation = "ReportEvents";

    public static void MapEvents(this IEndpointRouteBuilder api)
    {
        api.MapPost("/api/v1/events", Submit).RequireAuthorization(ApiPolicies.Port)
            .WithTags("Events")
            .WithName(ReportOperation)
            .WithSummary("Report a batch of 1-1000 events")
            .WithDescription(
                "Each event is answered ACCEPTED, DUPLICATE (its eventId was seen before, whatever else it says) or REJECTED "
                + "(with the reason; nothing changed). ACCEPTED and DUPLICATE events are durably stored before the answer. "
                + "An event of a type the key may not report (a port key: TRANSPORT and EQUIPMENT unless configured otherwise; a "
                + "customs key: CUSTOMS only) or at a location outside the key's own is REJECTED, not the whole batch. "
                + "An accepted event is recorded with the reporting key's name (reportedBy in the timeline). "
                + "A body that is not a batch at all is 400. While the store cannot be reached the whole batch is 503 and "
                + "nothing in it is acknowledged: send the same batch again after Retry-After.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<Ok<EventBatchResult>, ProblemHttpResult>> Submit(
        [FromBody] EventBatch batch, HttpContext http, IGrainFactory grains, IClock clock)
    {
        var started = Stopwatch.GetTimestamp();
        if (batch.Events is not { Count: > 0 and <= MaxBatch } submissions)
        {
            return Problems.Field("events", $"a batch is an object with 'events': an array of 1-{MaxBatch} events");
        }

        var caller = http.Caller();
        var now = clock.GetCurrentInstant();
        var results = new EventResult?[submissions.Count];
        var valid = new List<(int Index, TransitEvent Event)>();
        for (var i = 0; i < submissions.Count; i++)
        {
            if (submissions[i] is not { } submission)
            {
                results[i] = new EventResult(null, EventResultStatus.REJECTED, "an event is a JSON object");
                continue;
            }

            var validated = EventValidator.Validate(submission, now);
            if (!validated.IsValid)
            {
                results[i] = new EventResult(submission.EventId, EventResultStatus.REJECTED, validated.Errors.ToString());
            }
            else if (!caller.MayReport(validated.Value!.EventType))
            {
                results[i] = new EventResult(submission.EventId, EventResultStatus.REJECTED,
                    $"eventType: this key may not report {validated.Value.EventType} events; it may report {MayReport(caller)}");
            }
            else if (!caller.MayReportAt(validated.Value.Location))
            {
                results[i] = new EventResult(submission.EventId, EventResultStatus.REJECTED,
                    $"location: this key may not report at {validated.Value.Location}");
            }
            else
            {
                valid.Add((i, validated.Value with { ReportedBy = caller.Name }));
            }
        }

        if (valid.Count > 0)
        {
            var outcomes = await grains.GetGrain<IEventIntakeGrain>(0).Submit(valid.Select(v => v.Event).ToList());
            foreach (var ((index, e), outcome) in valid.Zip(outcomes))
            {
                results[index] = new EventResult(e.EventId,
                    outcome == EventOutcome.ACCEPTED ? EventResultStatus.ACCEPTED : EventResultStatus.DUPLICATE, null);
            }
        }

        TransitMetrics.EventsAnswered(
            results.Count(r => r!.Status == EventResultStatus.ACCEPTED),
            results.Count(r => r!.Status == EventResultStatus.DUPLICATE),
            results.Count(r => r!.Status == EventResultStatus.REJECTED));
        TransitMetrics.EventBatchAnswered(Stopwatch.GetElapsedTime(started));
        return TypedResults.Ok(new EventBatchResult(results!));
    }

    private static string MayReport(ApiCaller caller) =>
        string.Join(", ", Enum.GetValues<EventType>().Where(caller.MayReport));
}
