using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Orleans.Storage;
using Orleans.TestingHost;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// Subscriptions stored before secrets were sealed: their plain keys are sealed on the subscription's next activation,
/// and a silo that starts wakes every subscription for it; the keys sign as before.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StoredKeySealingTests
{
    private readonly ClusterFixture _fixture;

    public StoredKeySealingTests(ClusterFixture fixture)
    {
        _fixture = fixture;
        ClusterFixture.Clock.Reset(ClusterFixture.Start);
    }

    private IGrainStorage Storage => _fixture.Cluster.Silos.Cast<InProcessSiloHandle>().First().ServiceProvider
        .GetRequiredKeyedService<IGrainStorage>(StorageNames.Transit);

    [Fact]
    public async Task Plain_keys_are_sealed_and_written_back_when_the_subscription_activates_and_still_sign_each_with_its_retirement()
    {
        var (subscription, retiring, current) = await StoredInPlainText();
        var grain = _fixture.Grains.GetGrain<ISubscriptionGrain>(subscription.SubscriptionId);
        var retiresAt = ClusterFixture.Start + Duration.FromHours(3);

        Assert.Equal(subscription.SubscriptionId, (await grain.Definition())?.SubscriptionId);

        var stored = await Stored(subscription.SubscriptionId);
        Assert.Equal([retiresAt, null], stored.Select(k => k.RetiresAt));
        Assert.DoesNotContain(stored, k => k.Sealed.AsSpan().IndexOf(retiring) >= 0 || k.Sealed.AsSpan().IndexOf(current) >= 0);
        Assert.Equal([retiring, current], stored.Select(k => ClusterFixture.Seal.Open(k.Sealed)));

        var notification = new ShipmentNotification(1, NotificationTypes.StatusChanged, ClusterFixture.Start, "SEAL-1", Status: ShipmentStatus.IN_TRANSIT);
        Assert.Equal(WebhookDeliveryOutcome.Delivered, (await grain.Deliver(new WebhookDelivery("msg_sealed", 1, notification))).Outcome);
        var sent = Assert.Single(RecordingWebhookSender.For(subscription.SubscriptionId));
        Assert.Equal([retiring, current], sent.SealedKeys.Select(ClusterFixture.Seal.Open));

        // Sealed once: a later activation finds nothing to seal, and the stored keys stay as they are.
        await _fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(subscription.SubscriptionId, (await grain.Definition())?.SubscriptionId);
        Assert.Equal(stored.Select(k => k.Sealed), (await Stored(subscription.SubscriptionId)).Select(k => k.Sealed));
    }

    [Fact]
    public async Task A_silo_that_starts_seals_the_plain_keys_of_every_subscription_without_waiting_for_a_delivery()
    {
        var (subscription, retiring, current) = await StoredInPlainText();
        await _fixture.Grains.GetGrain<ISubscriptionRegistryGrain>(0).Put(subscription);

        var started = await _fixture.Cluster.StartAdditionalSiloAsync();
        try
        {
            var stored = await Poll.Until(() => Stored(subscription.SubscriptionId), keys => keys.All(k => ClusterFixture.Seal.IsSealed(k.Sealed)));
            Assert.All(stored, k => Assert.True(ClusterFixture.Seal.IsSealed(k.Sealed)));
            Assert.Equal([retiring, current], stored.Select(k => ClusterFixture.Seal.Open(k.Sealed)));
        }
        finally
        {
            await _fixture.Cluster.StopSiloAsync(started);
        }
    }

    /// <summary>A subscription as a silo of the version before stored it: a replaced key still signing, and the current one, both as their own bytes.</summary>
    private async Task<(Subscription Subscription, byte[] Retiring, byte[] Current)> StoredInPlainText()
    {
        var subscription = new Subscription(Ids.Next("sub"), Ids.Next("FWD"), "https://receiver.example/hook", NotificationTypes.All, [], [], [],
            SubscriptionStatus.ACTIVE, ClusterFixture.Start);
        var (retiring, current) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var state = new SubscriptionState
        {
            Subscription = subscription,
            Keys = [new SigningKey(retiring, ClusterFixture.Start + Duration.FromHours(3)), new SigningKey(current, null)],
        };
        var grain = _fixture.Grains.GetGrain<ISubscriptionGrain>(subscription.SubscriptionId);
        await Storage.WriteStateAsync("subscription", grain.GetGrainId(), new GrainState<SubscriptionState>(state));
        return (subscription, retiring, current);
    }

    private async Task<IReadOnlyList<SigningKey>> Stored(string subscriptionId)
    {
        var stored = new GrainState<SubscriptionState>();
        await Storage.ReadStateAsync("subscription", _fixture.Grains.GetGrain<ISubscriptionGrain>(subscriptionId).GetGrainId(), stored);
        return stored.State!.Keys;
    }
}
