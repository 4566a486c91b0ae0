using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Domain.Webhooks;

/// <summary>A subscription as the forwarder sent it, every field still text.</summary>
public sealed record SubscriptionRequest(
    string? CallbackUrl,
    IReadOnlyList<string?>? Types,
    IReadOnlyList<string?>? ShipmentIds,
    IReadOnlyList<string?>? Containers,
    IReadOnlyList<string?>? EventCodes,
    string? Secret);

/// <summary>A valid subscription request: filters with each value once, and the signing key when one was given.</summary>
public sealed record SubscriptionDraft(
    Uri CallbackUrl,
    IReadOnlyList<string> Types,
    IReadOnlyList<string> ShipmentIds,
    IReadOnlyList<string> Containers,
    IReadOnlyList<EventCode> EventCodes,
    byte[]? Secret);

/// <summary>The rules of <c>POST /api/v1/subscriptions</c>, each bad field named.</summary>
public static class SubscriptionValidator
{
    public const int MaxFilterValues = 500;

    public static Validated<SubscriptionDraft> Validate(SubscriptionRequest request, bool allowHttp)
    {
        var errors = new ValidationErrors();
        if (CallbackAddresses.UrlProblem(request.CallbackUrl, allowHttp, out var url) is { } problem)
        {
            errors.Add("callbackUrl", problem);
        }

        var types = Values(request.Types, "types", errors, text =>
            NotificationTypes.All.Contains(text, StringComparer.Ordinal) ? (text, null) : (null, $"one of {string.Join(", ", NotificationTypes.All)}"));
        var shipmentIds = Values(request.ShipmentIds, "shipmentIds", errors, text =>
            ReferenceCode.IsShipmentId(text) ? (text, null) : (null, ReferenceCode.ShipmentIdRule));
        var containers = Values(request.Containers, "containers", errors, text =>
            ContainerNumber.TryParse(text, out var number, out var error) ? (number.Value, null) : (null, error));
        var eventCodes = Values(request.EventCodes, "eventCodes", errors, text =>
            EnumText.TryParse<EventCode>(text, out var code) ? (code.ToString(), null) : (null, EnumText.Choices<EventCode>()));

        byte[]? secret = null;
        if (request.Secret is not null && !WebhookSecret.TryParse(request.Secret, out secret))
        {
            errors.Add("secret", WebhookSecret.Rule);
        }

        return errors.IsEmpty
            ? new Validated<SubscriptionDraft>(new SubscriptionDraft(
                url!, types.Count == 0 ? NotificationTypes.All : types, shipmentIds, containers, eventCodes.Select(Enum.Parse<EventCode>).ToList(), secret), errors)
            : new Validated<SubscriptionDraft>(null, errors);
    }

    /// <summary>A filter's values, each read by <paramref name="read"/> and kept once; a missing filter is an empty one.</summary>
    private static List<string> Values(
        IReadOnlyList<string?>? texts, string field, ValidationErrors errors, Func<string, (string? Value, string? Error)> read)
    {
        var values = new List<string>();
        if (texts is null)
        {
            return values;
        }

        if (texts.Count > MaxFilterValues)
        {
            errors.Add(field, $"at most {MaxFilterValues} values");
            return values;
        }

        for (var i = 0; i < texts.Count; i++)
        {
            var (value, error) = texts[i] is { } text ? read(text) : (null, "a value may not be null");
            if (value is null)
            {
                errors.Add($"{field}[{i}]", error!);
            }
            else if (!values.Contains(value, StringComparer.Ordinal))
            {
                values.Add(value);
            }
        }

        return values;
    }
}
