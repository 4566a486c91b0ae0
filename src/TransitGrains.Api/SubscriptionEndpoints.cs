using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Api;

/// <summary>A subscription as posted: only <c>callbackUrl</c> is required.</summary>
public sealed record SubscriptionBody(
    [property: Required, Url, MaxLength(CallbackAddresses.MaxUrlLength)]
    [property: Description("Absolute https URL (http too in the Development environment) where notifications are posted; outside "
        + "Development its host may not be or resolve to a loopback, private, link-local or multicast address.")]
    string? CallbackUrl,
    [property: ChoiceOf(NotificationTypes.Event, NotificationTypes.StatusChanged, NotificationTypes.EtaChanged, NotificationTypes.TaxRefundChanged)]
    [property: Description("Notification types; all four when missing or empty.")]
    IReadOnlyList<string?>? Types,
    [property: MaxLength(SubscriptionValidator.MaxFilterValues), EachMatches(ReferenceCode.Pattern)]
    [property: Description("Only these shipments; any when missing or empty.")]
    IReadOnlyList<string?>? ShipmentIds,
    [property: MaxLength(SubscriptionValidator.MaxFilterValues), EachMatches(ContainerNumber.Pattern)]
    [property: Description("Only notifications about these containers (an event's own container, else every container of its "
        + "shipment); any when missing or empty.")]
    IReadOnlyList<string?>? Containers,
    [property: MaxLength(SubscriptionValidator.MaxFilterValues), ChoiceOf(typeof(EventCode))]
    [property: Description("Only notifications caused by events with these codes; any (including changes no event caused) when "
        + "missing or empty.")]
    IReadOnlyList<string?>? EventCodes,
    [property: RegularExpression(WebhookSecret.Pattern), Description($"Optional: {WebhookSecret.Rule}; generated when missing.")]
    string? Secret)
{
    public SubscriptionRequest ToRequest() => new(CallbackUrl, Types, ShipmentIds, Containers, EventCodes, Secret);
}

/// <summary>A secret rotation: the new secret, or none to have one generated.</summary>
public sealed record SecretBody(
    [property: RegularExpression(WebhookSecret.Pattern), Description($"Optional: {WebhookSecret.Rule}; generated when missing.")]
    string? Secret);

/// <summary>A subscription as the API shows it; <c>secret</c> only in the answer that made or rotated it.</summary>
public sealed record SubscriptionView(
    string SubscriptionId,
    string? Forwarder,
    string CallbackUrl,
    IReadOnlyList<string> Types,
    IReadOnlyList<string> ShipmentIds,
    IReadOnlyList<string> Containers,
    IReadOnlyList<EventCode> EventCodes,
    SubscriptionStatus Status,
    Instant CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static SubscriptionView Of(Subscription s, string? secret = null) =>
        new(s.SubscriptionId, s.Forwarder, s.CallbackUrl, s.Types, s.ShipmentIds, s.Containers, s.EventCodes, s.Status, s.CreatedAt, secret);
}

public sealed record SubscriptionList(IReadOnlyList<SubscriptionView> Items);

public sealed record DeliveryList(IReadOnlyList<DeliveryAttempt> Items);

public static class SubscriptionEndpoints
{
    public const string CreateOperation = "CreateSubscription";
    public const string RotateOperation = "RotateSubscriptionSecret";
    public const int MaxDeliveries = DeliveryAttempt.Kept;

    private const int KeyBytes = 32;
    private const int DefaultDeliveries = 50;

    public static void MapSubscriptions(this IEndpointRouteBuilder api)
    {
        var subscriptions = api.MapGroup("/api/v1/subscriptions").WithTags("Webhooks").RequireAuthorization(ApiPolicies.Forwarder);

        subscriptions.MapPost("/", Create)
            .WithName(CreateOperation)
            .WithSummary("Subscribe to a shipment's changes (Standard Webhooks)")
            .WithDescription(
                "Notifications of the key's forwarder's shipments (an admin key's: of every shipment) are posted to callbackUrl, "
                + "signed with the subscription's secret. types defaults to all four; shipmentIds, containers and eventCodes "
                + "narrow what is sent (values of one filter are ORed, the filters ANDed; a missing or empty filter matches "
                + "everything the key may see). 201 with the subscription, its Location and its secret, which is never shown "
                + "again. A callbackUrl that is not absolute https (http only in Development), or whose host is or resolves to a "
                + "loopback, private, link-local or multicast address outside Development, is 400.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        subscriptions.MapGet("/", List)
            .WithName("ListSubscriptions")
            .WithSummary("The key's subscriptions")
            .WithDescription("A forwarder key's own subscriptions; an admin key's, every subscription. Oldest first, without secrets.");

        subscriptions.MapGet("/{subscriptionId}", Get)
            .WithName("GetSubscription")
            .WithSummary("A subscription")
            .WithDescription("Its filters and status (ACTIVE, or DISABLED once its receiver answered 410 Gone), without the secret. "
                + "Another forwarder's subscription is 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        subscriptions.MapDelete("/{subscriptionId}", Delete)
            .WithName("DeleteSubscription")
            .WithSummary("Unsubscribe")
            .WithDescription("No further notification is made or delivered for it, including those still waiting. 204; "
                + "another forwarder's subscription is 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        subscriptions.MapPost("/{subscriptionId}/secret", Rotate)
            .WithName(RotateOperation)
            .WithSummary("Rotate a subscription's secret")
            .WithDescription("The given secret, or a generated one, signs from now on; for 24 hours the previous one signs too "
                + "(two signatures in webhook-signature), so the receiver can switch without losing a notification. 201 with "
                + "the subscription and its new secret; another forwarder's subscription is 404.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        subscriptions.MapGet("/{subscriptionId}/deliveries", Deliveries)
            .WithName("ListSubscriptionDeliveries")
            .WithSummary("A subscription's latest delivery attempts, newest first")
            .WithDescription($"Each attempt: its notification's webhookId, type and shipment, the attempt's number and time, the "
                + $"receiver's status code or the error, when it was delivered, and when it is tried again (null once delivered "
                + $"or given up). The latest {MaxDeliveries} are kept. A bad limit is 400; another forwarder's subscription is 404.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithLimit(DefaultDeliveries, MaxDeliveries);
    }

    private static async Task<Results<Created<SubscriptionView>, ProblemHttpResult>> Create(
        [FromBody] SubscriptionBody body, HttpContext http, IGrainFactory grains, ICallbackGuard guard, ISigningKeySeal seal,
        IHostEnvironment environment, IClock clock)
    {
        var validated = SubscriptionValidator.Validate(body.ToRequest(), allowHttp: environment.IsDevelopment());
        if (!validated.IsValid)
        {
            return Problems.Validation(validated.Errors);
        }

        var draft = validated.Value!;
        if (await guard.RefusalAsync(draft.CallbackUrl, http.RequestAborted) is { } refusal)
        {
            return Problems.Field("callbackUrl", refusal);
        }

        var caller = http.Caller();
        var subscription = new Subscription(
            $"sub_{Guid.CreateVersion7():N}", caller.Role == ApiRole.Admin ? null : caller.Forwarder, draft.CallbackUrl.OriginalString,
            draft.Types, draft.ShipmentIds, draft.Containers, draft.EventCodes, SubscriptionStatus.ACTIVE, clock.GetCurrentInstant());
        var key = draft.Secret ?? RandomNumberGenerator.GetBytes(KeyBytes);
        // Sealed here, where the secret arrives: it is shown once in this answer and never stored or passed on in plain text.
        await grains.GetGrain<ISubscriptionGrain>(subscription.SubscriptionId).Create(subscription, seal.Seal(key));
        return TypedResults.Created($"/api/v1/subscriptions/{subscription.SubscriptionId}", SubscriptionView.Of(subscription, WebhookSecret.Format(key)));
    }

    private static async Task<Ok<SubscriptionList>> List(HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var all = await grains.GetGrain<ISubscriptionRegistryGrain>(0).List(caller.Role == ApiRole.Admin ? null : caller.Forwarder);
        return TypedResults.Ok(new SubscriptionList(all.Select(s => SubscriptionView.Of(s)).ToList()));
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> Get(string subscriptionId, HttpContext http, IGrainFactory grains) =>
        await Visible(subscriptionId, http, grains) is { } subscription ? TypedResults.Ok(SubscriptionView.Of(subscription)) : NoSuchSubscription(subscriptionId);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string subscriptionId, HttpContext http, IGrainFactory grains) =>
        await Visible(subscriptionId, http, grains) is not null && await grains.GetGrain<ISubscriptionGrain>(subscriptionId).Delete()
            ? TypedResults.NoContent()
            : NoSuchSubscription(subscriptionId);

    /// <summary>An empty body asks for a generated secret.</summary>
    private static async Task<Results<Created<SubscriptionView>, ProblemHttpResult>> Rotate(
        string subscriptionId, [FromBody] SecretBody? body, HttpContext http, IGrainFactory grains, ISigningKeySeal seal)
    {
        if (await Visible(subscriptionId, http, grains) is null)
        {
            return NoSuchSubscription(subscriptionId);
        }

        byte[]? key = null;
        if (body?.Secret is not null && !WebhookSecret.TryParse(body.Secret, out key))
        {
            return Problems.Field("secret", WebhookSecret.Rule);
        }

        key ??= RandomNumberGenerator.GetBytes(KeyBytes);
        return await grains.GetGrain<ISubscriptionGrain>(subscriptionId).RotateKey(seal.Seal(key)) is { } subscription
            ? TypedResults.Created($"/api/v1/subscriptions/{subscriptionId}", SubscriptionView.Of(subscription, WebhookSecret.Format(key)))
            : NoSuchSubscription(subscriptionId);
    }

    private static async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> Deliveries(
        string subscriptionId, string? limit, HttpContext http, IGrainFactory grains)
    {
        if (!QueryLimit.TryRead(limit, DefaultDeliveries, MaxDeliveries, out var count))
        {
            return Problems.Field("limit", QueryLimit.Rule(DefaultDeliveries, MaxDeliveries));
        }

        return await Visible(subscriptionId, http, grains) is null
            ? NoSuchSubscription(subscriptionId)
            : TypedResults.Ok(new DeliveryList(await grains.GetGrain<ISubscriptionGrain>(subscriptionId).Deliveries(count)));
    }

    /// <summary>The subscription, if it exists and the key may see it: a forwarder its own, an admin every one.</summary>
    private static async Task<Subscription?> Visible(string subscriptionId, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var subscription = await grains.GetGrain<ISubscriptionGrain>(subscriptionId).Definition();
        return subscription is not null && caller.Sees(subscription.Forwarder) ? subscription : null;
    }

    // Another forwarder's subscription is answered exactly like a missing one, so that its existence is not revealed.
    private static ProblemHttpResult NoSuchSubscription(string subscriptionId) =>
        Problems.NotFound($"No subscription {subscriptionId} is visible to this key.");
}
