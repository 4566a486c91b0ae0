using NodaTime;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains;

[GenerateSerializer]
public sealed class SubscriptionState
{
    [Id(0)] public Subscription? Subscription { get; set; }

    /// <summary>The current key last; keys it replaced before it, while they still sign. Each sealed (<see cref="ISigningKeySeal"/>).</summary>
    [Id(1)] public List<SigningKey> Keys { get; set; } = [];

    /// <summary>The latest attempts, oldest first; replaced as a whole, never changed in place.</summary>
    [Id(2)] public IReadOnlyList<DeliveryAttempt> Deliveries { get; set; } = [];
}

/// <summary>
/// A webhook subscription: its definition, keys and deliveries log. Attempts run interleaved (one per shipment at a time,
/// many shipments at once); their log entries are written together, a write at a time (<see cref="SharedWrites{TState}"/>).
/// Its keys are sealed as they come (the API seals them) and stay sealed here; the sender opens them to sign.
/// </summary>
public sealed class SubscriptionGrain(
    [PersistentState("subscription", StorageNames.Transit)] IPersistentState<SubscriptionState> state,
    IWebhookSender sender,
    ISigningKeySeal seal,
    WebhookRetrySchedule schedule,
    IClock clock) : Grain, ISubscriptionGrain
{
    private readonly SharedWrites<SubscriptionState> _writes = new(state);

    private ISubscriptionRegistryGrain Registry => GrainFactory.GetGrain<ISubscriptionRegistryGrain>(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A state stored before secrets were sealed: its keys are sealed and written back before anything else is done with them.
        if (seal.SealPlain(state.State.Keys) is { } sealedKeys)
        {
            state.State.Keys = sealedKeys;
            await _writes.WriteAsync(this);
        }
    }

    public async Task Create(Subscription subscription, byte[] sealedKey)
    {
        state.State = new SubscriptionState { Subscription = subscription, Keys = [new SigningKey(sealedKey, null)] };
        await _writes.WriteAsync(this);
        await Registry.Put(subscription);
    }

    public Task<Subscription?> Definition() => Task.FromResult(state.State.Subscription);

    public async Task<bool> Delete()
    {
        if (state.State.Subscription is null)
        {
            return false;
        }

        // Out of the registry first: should the clearing fail, the subscription is still there to be deleted again.
        await Registry.Remove(this.GetPrimaryKeyString());

        try
        {
            // From here on an attempt finds no subscription, and writes nothing.
            state.State = new SubscriptionState();
            if (_writes.Latest is { IsCompleted: false } saving)
            {
                await saving;
            }

            await state.ClearStateAsync();
        }
        catch
        {
            DeactivateOnIdle(); // memory no longer says what is stored
            throw;
        }

        return true;
    }

    public async Task<Subscription?> RotateKey(byte[] sealedKey)
    {
        if (state.State.Subscription is not { } subscription)
        {
            return null;
        }

        var now = clock.GetCurrentInstant();
        state.State.Keys =
        [
            .. state.State.Keys.Where(k => k.RetiresAt is not null && k.SignsAt(now)),
            state.State.Keys[^1] with { RetiresAt = now + SigningKey.RotationOverlap },
            new SigningKey(sealedKey, null),
        ];
        await _writes.WriteAsync(this);
        return subscription;
    }

    public Task<IReadOnlyList<DeliveryAttempt>> Deliveries(int limit) =>
        Task.FromResult<IReadOnlyList<DeliveryAttempt>>(state.State.Deliveries.Reverse().Take(limit).ToList());

    public async Task<WebhookDeliveryResult> Deliver(WebhookDelivery delivery)
    {
        var now = clock.GetCurrentInstant();
        if (state.State.Subscription is not { Status: SubscriptionStatus.ACTIVE } subscription)
        {
            return new WebhookDeliveryResult(WebhookDeliveryOutcome.Inactive, now, null);
        }

        var keys = state.State.Keys.Where(k => k.SignsAt(now)).Select(k => k.Sealed).ToList();
        var response = await sender.SendAsync(
            new WebhookRequest(new Uri(subscription.CallbackUrl), subscription.SubscriptionId, delivery.WebhookId, now, delivery.Notification, keys),
            CancellationToken.None);

        var answer = WebhookRetrySchedule.Classify(response.StatusCode);
        var next = answer == WebhookAnswer.Failed
            ? schedule.NextAttempt(delivery.Attempt, now, response.StatusCode, response.RetryAfter, Random.Shared.NextDouble())
            : null;
        var outcome = answer switch
        {
            WebhookAnswer.Delivered => WebhookDeliveryOutcome.Delivered,
            WebhookAnswer.Gone => WebhookDeliveryOutcome.Disabled,
            _ => next is null ? WebhookDeliveryOutcome.GaveUp : WebhookDeliveryOutcome.Failed,
        };
        Count(outcome);

        var notification = delivery.Notification;
        state.State.Deliveries =
        [
            .. state.State.Deliveries.TakeLast(DeliveryAttempt.Kept - 1),
            new DeliveryAttempt(delivery.WebhookId, notification.Type, notification.ShipmentId, delivery.Attempt, now, response.StatusCode,
                response.Error, outcome == WebhookDeliveryOutcome.Delivered ? clock.GetCurrentInstant() : null, next),
        ];

        if (outcome == WebhookDeliveryOutcome.Disabled && state.State.Subscription is { Status: SubscriptionStatus.ACTIVE } active)
        {
            // The receiver wants no more: no further notification is made for it, or delivered.
            state.State.Subscription = active with { Status = SubscriptionStatus.DISABLED };
            await Registry.Put(state.State.Subscription);
        }

        if (state.State.Subscription is not null)
        {
            await _writes.WriteAsync(this);
        }

        return new WebhookDeliveryResult(outcome, now, next);
    }

    private static void Count(WebhookDeliveryOutcome outcome)
    {
        switch (outcome)
        {
            case WebhookDeliveryOutcome.Delivered:
                TransitMetrics.WebhookDelivered();
                break;
            case WebhookDeliveryOutcome.Failed:
                TransitMetrics.WebhookDeliveryFailed();
                break;
            default:
                TransitMetrics.WebhookGivenUp();
                break;
        }
    }
}
