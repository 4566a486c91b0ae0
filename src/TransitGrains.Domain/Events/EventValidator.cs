using NodaTime;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Domain.Events;

/// <summary>The rules of <c>POST /api/v1/events</c> for one event.</summary>
public static class EventValidator
{
    public const int MaxEventIdLength = 100;

    /// <summary>An actual event may be stamped at most this far ahead of our clock (clock skew, zone mistakes).</summary>
    public static readonly Duration MaxFutureForActual = Duration.FromDays(1);

    public static Validated<TransitEvent> Validate(EventSubmission submission, Instant now)
    {
        var errors = new ValidationErrors();

        if (string.IsNullOrEmpty(submission.EventId) || submission.EventId.Length > MaxEventIdLength)
        {
            errors.Add("eventId", $"required, 1-{MaxEventIdLength} characters");
        }

        var code = ParseEnum<EventCode>(submission.EventCode, "eventCode", errors);
        var type = ParseEnum<EventType>(submission.EventType, "eventType", errors);
        if (code is { } c && type is { } t && EventVocabulary.TypeOf(c) != t)
        {
            errors.Add("eventCode", $"{c} is a {EventVocabulary.TypeOf(c)} event, not {t}");
        }

        var classifier = submission.Classifier is null
            ? EventClassifier.ACT
            : ParseEnum<EventClassifier>(submission.Classifier, "classifier", errors);

        if (!TimeText.TryParse(submission.EventDateTime, out var eventDateTime))
        {
            errors.Add("eventDateTime", TimeText.Requirement);
        }
        else if (classifier == EventClassifier.ACT && eventDateTime.ToInstant() > now + MaxFutureForActual)
        {
            errors.Add("eventDateTime", "an actual (ACT) event cannot be more than 1 day in the future");
        }

        if (!UnLocode.TryParse(submission.Location, out var location))
        {
            errors.Add("location", UnLocode.FormatDescription);
        }

        var mode = submission.ModeOfTransport is null
            ? null
            : ParseEnum<TransportMode>(submission.ModeOfTransport, "modeOfTransport", errors);
        if (submission.ConveyanceId is not null && !ReferenceCode.IsConveyanceId(submission.ConveyanceId))
        {
            errors.Add("conveyanceId", ReferenceCode.ConveyanceIdRule);
        }

        ContainerNumber? container = null;
        if (submission.ContainerNumber is not null)
        {
            if (ContainerNumber.TryParse(submission.ContainerNumber, out var parsed, out var containerError))
            {
                container = parsed;
            }
            else
            {
                errors.Add("containerNumber", containerError!);
            }
        }

        if (code is { } eventCode)
        {
            RequireFieldsOf(eventCode, submission, errors);
        }

        if (submission.DeclarationNumber is { } declaration && (declaration.Length is 0 or > 40 || code is { } dc && EventVocabulary.TypeOf(dc) != EventType.CUSTOMS))
        {
            errors.Add("declarationNumber", "only CUSTOMS events carry a declaration number (1-40 characters)");
        }

        if (submission.Facility is { Length: > 35 })
        {
            errors.Add("facility", "at most 35 characters");
        }

        if (!errors.IsEmpty)
        {
            return new Validated<TransitEvent>(null, errors);
        }

        return new Validated<TransitEvent>(
            new TransitEvent(
                submission.EventId!,
                type!.Value,
                code!.Value,
                classifier!.Value,
                eventDateTime,
                location,
                submission.Facility,
                mode,
                submission.ConveyanceId,
                container,
                submission.DeclarationNumber,
                now),
            errors);
    }

    private static void RequireFieldsOf(EventCode code, EventSubmission submission, ValidationErrors errors)
    {
        var type = EventVocabulary.TypeOf(code);
        var needsConveyance = type == EventType.TRANSPORT || EventVocabulary.MovesContainer(code);
        var needsContainer = type != EventType.TRANSPORT;

        if (needsConveyance)
        {
            if (submission.ModeOfTransport is null)
            {
                errors.Add("modeOfTransport", $"required for {code}: RAIL, BARGE, VESSEL or TRUCK");
            }

            if (submission.ConveyanceId is null)
            {
                errors.Add("conveyanceId", $"required for {code}");
            }
        }

        if (needsContainer && submission.ContainerNumber is null)
        {
            errors.Add("containerNumber", $"required for {code}");
        }
    }

    private static T? ParseEnum<T>(string? text, string field, ValidationErrors errors) where T : struct, Enum
    {
        if (EnumText.TryParse<T>(text, out var value))
        {
            return value;
        }

        errors.Add(field, EnumText.Choices<T>());
        return null;
    }
}
