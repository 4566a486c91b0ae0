using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TransitGrains.Domain.Edifact;
using TransitGrains.Edifact;

namespace TransitGrains.Api;

/// <summary>One message of an interchange as answered.</summary>
/// <param name="MessageReference">The message's reference (UNH/0062).</param>
/// <param name="Type">The message type (UNH/0065): CODECO, COARRI, or the one not read.</param>
/// <param name="Status">REJECTED when the message as a whole was not read; null when it was.</param>
/// <param name="Error">Why the message as a whole was not read (a message type or document code the service does not read); null when it was.</param>
/// <param name="Results">One result per <c>EQD+CN</c> group, in order, each as in a JSON batch.</param>
public sealed record EdifactMessageResult(string MessageReference, string Type, EventResultStatus? Status, string? Error, IReadOnlyList<EventResult> Results);

/// <summary>An interchange as answered: its control reference (UNB/0020) and its messages in order.</summary>
public sealed record EdifactInterchangeResult(string Interchange, IReadOnlyList<EdifactMessageResult> Messages);

public static class EdifactEndpoints
{
    public const string ReportOperation = "ReportEdifact";

    /// <summary>The media types an interchange is sent as.</summary>
    public static readonly string[] MediaTypes = ["application/edifact", "text/plain"];

    /// <summary>A loading report as the OpenAPI document shows it: two containers onto COSCO PRIDE, voyage 047W, at Nansha.</summary>
    public const string Example = """
        UNA:+.? '
        UNB+UNOC:3+NS4+TRANSITGRAINS+201202:1130+NS42012020001'
        UNH+2+COARRI:D:95B:UN:SMDG15'
        BGM+46+NS4-LD-COSCOPRIDE-047W+9'
        TDT+20+047W+1++COS:172:20+++9355769:146:11:COSCO PRIDE'
        LOC+9+CNNSA:139:6+NS4:TER:ZZZ'
        EQD+CN+CBHU2011304+22G1:102:5++2+5'
        DTM+203:202012021030:203'
        EQD+CN+CBHU2011310+22G1:102:5++2+5'
        DTM+203:202012021050?+0800:303'
        CNT+16:2'
        UNT+10+2'
        UNZ+1+NS42012020001'
        """;

    // The body is read as UTF-8: UNOA and UNOB are within ASCII, and UNOC's characters are sent as UTF-8.
    private static readonly UTF8Encoding Text = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void MapEdifact(this IEndpointRouteBuilder api)
    {
        api.MapPost("/api/v1/edifact", Submit).RequireAuthorization(ApiPolicies.Port)
            .WithTags("Events")
            .WithName(ReportOperation)
            .WithSummary("Report container moves as one UN/EDIFACT interchange (CODECO, COARRI)")
            .WithDescription(
                "One interchange (UNA optional, UNB … UNZ; UNOA, UNOB or UNOC, the body in UTF-8) of CODECO gate-in (BGM+34) and "
                + "gate-out (BGM+36) and COARRI discharge (BGM+44) and loading (BGM+46) reports, D.95B or later. Each EQD+CN group "
                + "becomes one EQUIPMENT event (GTIN, GTOT, DISC, LOAD) with the id {sender}:{interchange reference}:{message "
                + "reference}:{group's position in its message}, so the same interchange sent again answers DUPLICATE for each. "
                + "Events are answered per message, each as in ReportEvents (the same validation, key permissions, durability and "
                + "idempotency). A message of a type or document code the service does not read is REJECTED as a whole (error "
                + "says why), the rest processed. An interchange whose syntax is broken is 400 naming the segment, its position "
                + "(UNB is 1) and its line, and nothing in it is stored. "
                + $"At most {EventEndpoints.MaxBatch} EQD+CN groups per interchange. "
                + "See docs/edifact.md for the segments and qualifiers read.")
            .Accepts<string>(MediaTypes[0], MediaTypes[1..])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Reads the interchange whole before anything is stored, so a broken one changes nothing.</summary>
    private static async Task<Results<Ok<EdifactInterchangeResult>, ProblemHttpResult>> Submit(HttpContext http, IGrainFactory grains, IClock clock)
    {
        var started = Stopwatch.GetTimestamp();
        if (!MediaTypes.Any(t => http.Request.ContentType?.StartsWith(t, StringComparison.OrdinalIgnoreCase) == true))
        {
            return Problems.UnsupportedMediaType(
                $"Send the interchange as {string.Join(" or ", MediaTypes)}, not {http.Request.ContentType ?? "without a Content-Type"}.");
        }

        Interchange interchange;
        try
        {
            using var reader = new StreamReader(http.Request.Body, Text);
            interchange = Interchange.Read(await reader.ReadToEndAsync(http.RequestAborted));
        }
        catch (DecoderFallbackException)
        {
            return Broken("the body is not UTF-8 text", null);
        }
        catch (EdifactSyntaxException broken)
        {
            return Broken(broken.Message, broken);
        }

        var reports = ContainerMoveReports.Read(interchange);
        var moves = reports.SelectMany(r => r.Moves).ToList();
        if (moves.Count > EventEndpoints.MaxBatch)
        {
            return Broken($"the interchange holds {moves.Count} EQD+CN groups, at most {EventEndpoints.MaxBatch}: send it as several interchanges", null);
        }

        var results = await EventIntake.Submit(
            moves.Select(m => new ReportedEvent(m.EventId, m.Submission, m.Error)).ToList(),
            http.Caller(), grains, clock.GetCurrentInstant());
        EventIntake.Answered(started);

        var answered = new List<EdifactMessageResult>(reports.Count);
        var next = 0;
        foreach (var report in reports)
        {
            answered.Add(new EdifactMessageResult(
                report.MessageReference,
                report.Type,
                report.Rejection is null ? null : EventResultStatus.REJECTED,
                report.Rejection,
                results[next..(next + report.Moves.Count)]));
            next += report.Moves.Count;
        }

        return TypedResults.Ok(new EdifactInterchangeResult(interchange.Reference, answered));
    }

    private static ProblemHttpResult Broken(string detail, EdifactSyntaxException? where) =>
        Problems.BrokenInterchange(detail, where is null ? null : new Dictionary<string, object?>
        {
            ["segment"] = where.Tag,
            ["position"] = where.Position,
            ["line"] = where.Line,
        });
}
