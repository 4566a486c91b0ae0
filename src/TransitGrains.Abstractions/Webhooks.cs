using NodaTime;
using Orleans;
using Orleans.Concurrency;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Abstractions;

/// <summary>
/// One webhook subscription (key: its id): what it wants, its signing keys, its status and its recent delivery attempts.
/// It makes every attempt at its callback, so that the keys and the status an attempt uses are always current.
/// </summary>
public interface ISubscriptionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores a new subscription and makes it known to every silo (<see cref="ISubscriptionRegistryGrain"/>).
    /// <paramref name="sealedKey"/> is its signing key as <see cref="ISigningKeySeal.Seal"/> made it: a secret never
    /// travels between grains, nor is it stored, in plain text.
    /// </summary>
    Task Create(Subscription subscription, byte[] sealedKey);

    /// <summary>Null when there is no such subscription (never created, or deleted).</summary>
    Task<Subscription?> Definition();

    /// <summary>False when there was no such subscription.</summary>
    Task<bool> Delete();

    /// <summary>
    /// Makes <paramref name="sealedKey"/> (sealed, as for <see cref="Create"/>) the signing key; the one it replaces goes on
    /// signing beside it for <see cref="SigningKey.RotationOverlap"/>. Null when there is no such subscription.
    /// </summary>
    Task<Subscription?> RotateKey(byte[] sealedKey);

    /// <summary>The latest attempts, newest first.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> Deliveries(int limit);

    /// <summary>
    /// One attempt to deliver a notification, recorded in the deliveries log. Interleaved: the attempts of many shipments
    /// are on their way to the receiver at the same time (each shipment's come one after another).
    /// </summary>
    [AlwaysInterleave]
    Task<WebhookDeliveryResult> Deliver(WebhookDelivery delivery);
}

/// <summary>
/// Every subscription, for listing, and the active ones as a versioned set, which each silo keeps a copy of
/// (<see cref="ISubscriptionWatcher"/>) to match shipments' changes without calling any subscription. One grain (key 0):
/// subscriptions change rarely, and the set is small.
/// </summary>
public interface ISubscriptionRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>The active set now; every change from here on is pushed to <paramref name="watcher"/> until it stops asking.</summary>
    Task<SubscriptionSet> Watch(ISubscriptionWatcher watcher);

    /// <summary>A forwarder's subscriptions, or (null) every subscription; oldest first.</summary>
    Task<IReadOnlyList<Subscription>> List(string? forwarder);

    /// <summary>Adds or replaces a subscription; answers once every watching silo has the new set.</summary>
    Task Put(Subscription subscription);

    /// <summary>Removes a subscription; answers once every watching silo has the new set.</summary>
    Task Remove(string subscriptionId);
}

/// <summary>A silo's copy of the active subscriptions, kept current by the registry.</summary>
public interface ISubscriptionWatcher : IGrainObserver
{
    Task Changed(SubscriptionSet subscriptions);
}

/// <summary>A notification for a subscription: the <paramref name="Attempt"/>-th attempt at it (the first is 1).</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookDelivery(
    [property: Id(0)] string WebhookId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] ShipmentNotification Notification);

public enum WebhookDeliveryOutcome
{
    Delivered,

    /// <summary>Not delivered; tried again at the result's next attempt.</summary>
    Failed,

    /// <summary>Not delivered, and the retries are used up.</summary>
    GaveUp,

    /// <summary>The receiver answered 410 Gone: the subscription is now DISABLED.</summary>
    Disabled,

    /// <summary>No attempt: the subscription is deleted or disabled.</summary>
    Inactive,
}

[GenerateSerializer, Immutable]
public sealed record WebhookDeliveryResult(
    [property: Id(0)] WebhookDeliveryOutcome Outcome,
    [property: Id(1)] Instant AttemptedAt,
    [property: Id(2)] Instant? NextAttemptAt);

/// <summary>
/// Posts notifications to callbacks. The implementation (HTTP, Standard Webhooks headers, the network guard) lives in
/// TransitGrains.Webhooks; the silo wires it, so the grains depend on no transport.
/// </summary>
public interface IWebhookSender
{
    /// <summary>
    /// One attempt, signed with each of <see cref="WebhookRequest.SealedKeys"/>, which it opens only to sign. Never throws:
    /// a failure is an answer without a status.
    /// </summary>
    Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken ct);
}

/// <param name="SealedKeys">the subscription's signing keys as they are stored, sealed (<see cref="ISigningKeySeal"/>)</param>
public sealed record WebhookRequest(
    Uri CallbackUrl, string SubscriptionId, string WebhookId, Instant AttemptedAt, ShipmentNotification Notification, IReadOnlyList<byte[]> SealedKeys);

/// <summary>
/// Seals subscriptions' signing keys with the service's data-protection key ring, as they are stored and passed between
/// grains; a key is opened only where a delivery is signed. The silo wires it (TransitGrains.Webhooks) to the key ring
/// every silo of the service shares, so a key sealed on one silo opens on any.
/// </summary>
public interface ISigningKeySeal
{
    byte[] Seal(byte[] key);

    /// <summary>The key <paramref name="sealedKey"/> holds; throws when it was not sealed with a key of this ring.</summary>
    byte[] Open(byte[] sealedKey);

    /// <summary>Whether <paramref name="stored"/> opens with this ring: false for a key stored in plain text before secrets were sealed.</summary>
    bool IsSealed(byte[] stored);
}

public static class SigningKeySealExtensions
{
    /// <summary>
    /// <paramref name="stored"/> with every key still in plain text (stored before secrets were sealed) sealed, in the same
    /// order, each with its own retirement; null when all are sealed already, so that nothing needs writing.
    /// </summary>
    public static List<SigningKey>? SealPlain(this ISigningKeySeal seal, IReadOnlyList<SigningKey> stored)
    {
        var plain = stored.Select(k => !seal.IsSealed(k.Sealed)).ToList();
        return plain.Contains(true)
            ? stored.Select((k, i) => plain[i] ? k with { Sealed = seal.Seal(k.Sealed) } : k).ToList()
            : null;
    }
}

/// <summary>The receiver's status code (null when none came: refused, unreachable, timed out) and its Retry-After.</summary>
public sealed record WebhookResponse(int? StatusCode, Duration? RetryAfter, string? Error);

/// <summary>Where callbacks may go: checked when a subscription is made and again at every delivery.</summary>
public interface ICallbackGuard
{
    /// <summary>
    /// Why a callback to <paramref name="url"/> may not be made (its host is, or resolves to, an address
    /// <see cref="CallbackAddresses"/> refuses), or null when it may. Always null where private networks are allowed.
    /// </summary>
    Task<string?> RefusalAsync(Uri url, CancellationToken ct);
}
