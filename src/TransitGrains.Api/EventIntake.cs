using System.Diagnostics;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;

namespace TransitGrains.Api;

/// <summary>An event as a report brought it: what to validate, or why it already cannot be one (with the id it was given).</summary>
public readonly record struct ReportedEvent(string? EventId, EventSubmission? Submission, string? Rejection);

/// <summary>
/// The one way reported events are stored, whatever format they came in (JSON batches, EDIFACT interchanges): each is
/// validated, checked against what the key may report, and the valid ones go to the event intake in one call, which
/// answers only once they are durable. One result per event, in order; metrics counted as for every report.
/// </summary>
public static class EventIntake
{
    public static async Task<EventResult[]> Submit(IReadOnlyList<ReportedEvent> reported, ApiCaller caller, IGrainFactory grains, Instant now)
    {
        var results = new EventResult?[reported.Count];
        var valid = new List<(int Index, TransitEvent Event)>();
        for (var i = 0; i < reported.Count; i++)
        {
            var (eventId, submission, rejection) = reported[i];
            if (submission is null)
            {
                results[i] = new EventResult(eventId, EventResultStatus.REJECTED, rejection);
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
        return results!;
    }

    /// <summary>A report answered: how long it took, from its first byte read, goes to the batch duration histogram.</summary>
    public static void Answered(long startedTimestamp) => TransitMetrics.EventBatchAnswered(Stopwatch.GetElapsedTime(startedTimestamp));

    private static string MayReport(ApiCaller caller) =>
        string.Join(", ", Enum.GetValues<EventType>().Where(caller.MayReport));
}
