using CsCheck;
using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Webhooks;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Webhooks;

/// <summary>Who a notification goes to: the filters of api.md 1.1, and a forwarder never sees another's shipments.</summary>
public class SubscriptionTests
{
    private static Subscription Make(
        string? forwarder = "FWD-DEMO", string[]? types = null, string[]? shipmentIds = null, string[]? containers = null,
        EventCode[]? eventCodes = null, SubscriptionStatus status = SubscriptionStatus.ACTIVE) =>
        new("sub_1", forwarder, "https://example.com/hook", types ?? NotificationTypes.All, shipmentIds ?? [], containers ?? [],
            eventCodes ?? [], status, Instant.FromUtc(2026, 11, 1, 0, 0));

    private static NotificationFacts Facts(
        string type = NotificationTypes.Event, string shipmentId = "GZ26-000123", string[]? containers = null, EventCode[]? codes = null) =>
        new(type, shipmentId, containers ?? [Csqu], codes ?? [EventCode.DEPA]);

    [Fact]
    public void Without_filters_a_subscription_wants_everything_its_key_may_see()
    {
        Assert.True(Make().Wants("FWD-DEMO", Facts()));
        Assert.True(Make().Wants("FWD-DEMO", Facts(NotificationTypes.TaxRefundChanged, codes: [])));
        Assert.False(Make().Wants("FWD-OTHER", Facts()));
        Assert.True(Make(forwarder: null).Wants("FWD-OTHER", Facts()));
    }

    [Fact]
    public void Values_of_one_filter_are_ORed_and_the_filters_ANDed()
    {
        var subscription = Make(
            types: [NotificationTypes.Event, NotificationTypes.StatusChanged], shipmentIds: ["A-1", "A-2"], containers: [Csqu, Apzu],
            eventCodes: [EventCode.DEPA, EventCode.ARRI]);

        Assert.True(subscription.Wants("FWD-DEMO", Facts(shipmentId: "A-2", containers: [Apzu], codes: [EventCode.ARRI])));
        Assert.True(subscription.Wants("FWD-DEMO", Facts(NotificationTypes.StatusChanged, "A-1", [Zepu, Csqu], [EventCode.LOAD, EventCode.DEPA])));
        Assert.False(subscription.Wants("FWD-DEMO", Facts(NotificationTypes.EtaChanged, "A-1")));
        Assert.False(subscription.Wants("FWD-DEMO", Facts(shipmentId: "A-3")));
        Assert.False(subscription.Wants("FWD-DEMO", Facts(shipmentId: "A-1", containers: [Zepu])));
        Assert.False(subscription.Wants("FWD-DEMO", Facts(shipmentId: "A-1", codes: [EventCode.LOAD])));
    }

    [Fact]
    public void A_change_no_event_caused_passes_only_subscriptions_without_event_codes()
    {
        var cancelled = Facts(NotificationTypes.StatusChanged, codes: []);
        Assert.True(Make().Wants("FWD-DEMO", cancelled));
        Assert.False(Make(eventCodes: [EventCode.DEPA]).Wants("FWD-DEMO", cancelled));
    }

    [Fact]
    public void A_disabled_subscription_wants_nothing() =>
        Assert.False(Make(status: SubscriptionStatus.DISABLED).Wants("FWD-DEMO", Facts()));

    [Fact]
    public void Whatever_its_filters_a_forwarders_subscription_never_wants_another_forwarders_shipment() =>
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool).Sample((byType, byShipment, byContainer, byCode) =>
        {
            var mine = Make("FWD-DEMO", byType ? [NotificationTypes.Event] : null, byShipment ? ["GZ26-000123"] : null,
                byContainer ? [Csqu] : null, byCode ? [EventCode.DEPA] : null);
            Assert.False(mine.Wants("FWD-OTHER", Facts()));
            Assert.True(mine.Wants("FWD-DEMO", Facts()));
        });

    [Fact]
    public void The_index_gives_a_forwarder_its_own_subscriptions_and_the_admins_and_no_one_elses()
    {
        Subscription With(string id, string? forwarder) => Make(forwarder) with { SubscriptionId = id };
        var index = new SubscriptionIndex(new SubscriptionSet(7, [With("a", "FWD-DEMO"), With("b", "FWD-OTHER"), With("admin", null)]));

        Assert.Equal(7, index.Version);
        Assert.Equal(["admin", "a"], index.Seeing("FWD-DEMO").Select(s => s.SubscriptionId));
        Assert.Equal(["admin", "b"], index.Seeing("FWD-OTHER").Select(s => s.SubscriptionId));
        Assert.Equal(["admin"], index.Seeing("FWD-NEW").Select(s => s.SubscriptionId));
    }

    [Fact]
    public void Each_notification_is_addressed_once_to_every_subscription_that_wants_it_in_the_order_made()
    {
        var departures = Make(eventCodes: [EventCode.DEPA]) with { SubscriptionId = "departures" };
        var everything = Make() with { SubscriptionId = "everything" };
        var index = new SubscriptionIndex(new SubscriptionSet(1, [departures, everything, Make("FWD-OTHER") with { SubscriptionId = "other" }]));
        var load = new ShipmentNotification(1, NotificationTypes.Event, Instant.FromUtc(2026, 11, 26, 1, 0), "GZ26-000123");
        var departure = load with { Sequence = 2 };

        var addressed = index.Address("FWD-DEMO", [(load, Facts(codes: [EventCode.LOAD])), (departure, Facts())]);

        Assert.Equal([(1L, "everything"), (2L, "departures"), (2L, "everything")], addressed.Select(a => (a.Notification.Sequence, a.SubscriptionId)));
        Assert.Equal(3, addressed.Select(a => a.WebhookId).Distinct().Count());
        Assert.All(addressed, a => Assert.Equal((0, (Instant?)null), (a.Attempts, a.NextAttemptAt)));
    }
}
