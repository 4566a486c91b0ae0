using System.Collections.Concurrent;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// Stands in for HTTP (tested against a real receiver elsewhere): records every attempt, and answers each subscription as a
/// test says (204 unless told otherwise). Shared by both silos.
/// </summary>
public sealed class RecordingWebhookSender : IWebhookSender
{
    public static ConcurrentQueue<(WebhookRequest Request, int Status)> Attempts { get; } = new();

    /// <summary>What a subscription's receiver answers, by subscription id.</summary>
    public static ConcurrentDictionary<string, int> Answers { get; } = new();

    /// <summary>Every attempt at a subscription, in the order they were made.</summary>
    public static IReadOnlyList<WebhookRequest> For(string subscriptionId) =>
        Attempts.Where(a => a.Request.SubscriptionId == subscriptionId).Select(a => a.Request).ToList();

    /// <summary>The attempts at a subscription that its receiver answered with a 2xx.</summary>
    public static IReadOnlyList<WebhookRequest> DeliveredTo(string subscriptionId) =>
        Attempts.Where(a => a.Request.SubscriptionId == subscriptionId && a.Status < 300).Select(a => a.Request).ToList();

    /// <summary>Attempts at a subscription wait here until the test lets them through (by subscription id).</summary>
    public static ConcurrentDictionary<string, TaskCompletionSource> Holds { get; } = new();

    public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken ct)
    {
        if (Holds.TryGetValue(request.SubscriptionId, out var hold))
        {
            await hold.Task;
        }

        var status = Answers.GetValueOrDefault(request.SubscriptionId, 204);
        Attempts.Enqueue((request, status));
        return new WebhookResponse(status, null, status < 300 ? null : $"answered {status}");
    }
}

/// <summary>
/// Notifications through the shipment's outbox and the subscriptions' grains: made in the write of the change, delivered
/// in order per subscription and shipment, held back by a failure, retried on the schedule, given up, and stopped by 410.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WebhookOutboxTests
{
    private readonly ClusterFixture _fixture;

    public WebhookOutboxTests(ClusterFixture fixture)
    {
        _fixture = fixture;
        ClusterFixture.Clock.Reset(ClusterFixture.Start);
    }

    private IGrainFactory Grains => _fixture.Grains;

    [Fact]
    public async Task Every_change_reaches_each_subscription_that_wants_it_in_the_order_it_was_made()
    {
        var forwarder = Ids.Next("FWD");
        var all = await Subscribe(forwarder);
        var departures = await Subscribe(forwarder, types: [NotificationTypes.Event], eventCodes: [EventCode.DEPA]);
        var other = await Subscribe(Ids.Next("FWD"));
        var (booking, barge) = await Book(forwarder);
        var container = booking.Containers[0];

        // Three writes: the load (IN_TRANSIT), the departure (12 minutes late: the ETA moves), the arrival (on time: back).
        await Grains.Submit(Make.Equipment(EventCode.LOAD, container, "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, barge));
        await Grains.Submit(Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12)));
        await Grains.Submit(Make.Transport(EventCode.ARRI, TransportMode.BARGE, barge, "CNNSA", Make.ChinaTime(17, 0)));

        var received = await Delivered(all, booking.ShipmentId, 6);
        Assert.Equal(
            [NotificationTypes.Event, NotificationTypes.StatusChanged, NotificationTypes.Event, NotificationTypes.EtaChanged,
             NotificationTypes.Event, NotificationTypes.EtaChanged],
            received.Select(r => r.Notification.Type));
        Assert.Equal([EventCode.LOAD, EventCode.DEPA, EventCode.ARRI], received.Select(r => r.Notification.Event?.EventCode).OfType<EventCode>());
        Assert.Equal(received.Select(r => r.Notification.Sequence).Order(), received.Select(r => r.Notification.Sequence));
        Assert.Equal(received.Count, received.Select(r => r.WebhookId).Distinct().Count());

        var onlyDepartures = await Delivered(departures, booking.ShipmentId, 1);
        Assert.Equal(EventCode.DEPA, Assert.Single(onlyDepartures).Notification.Event!.EventCode);
        Assert.Equal(0, await Poll.Until(() => PendingNotifications(booking.ShipmentId), n => n == 0));
        Assert.Empty(RecordingWebhookSender.For(other));
    }

    [Fact]
    public async Task A_failed_delivery_holds_back_the_later_ones_of_its_subscription_and_is_retried_on_the_schedule()
    {
        var forwarder = Ids.Next("FWD");
        var failing = await Subscribe(forwarder);
        var healthy = await Subscribe(forwarder);
        RecordingWebhookSender.Answers[failing] = 503;
        var (booking, barge) = await Book(forwarder);
        await Grains.Submit(Make.Equipment(EventCode.LOAD, booking.Containers[0], "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, barge));
        await Grains.Submit(Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12)));

        // The healthy subscription has all four; the failing one was tried once, with its first notification only.
        Assert.Equal(4, (await Delivered(healthy, booking.ShipmentId, 4)).Count);
        var log = await Poll.Until(() => Deliveries(failing), d => d.Count > 0);
        var first = Assert.Single(log);
        Assert.Equal((1, 503, (Instant?)null), (first.Attempt, first.StatusCode, first.DeliveredAt));
        Assert.InRange((first.NextAttemptAt!.Value - first.AttemptedAt).TotalSeconds, 9, 11);
        var tried = Assert.Single(RecordingWebhookSender.For(failing));
        Assert.Equal(tried.WebhookId, first.WebhookId);
        Assert.Equal(4, await Poll.Until(() => PendingNotifications(booking.ShipmentId), n => n == 4));

        // The receiver recovers; once the wait has passed all four go, in order, the first under its first webhook-id.
        RecordingWebhookSender.Answers[failing] = 200;
        ClusterFixture.Clock.Advance(Duration.FromSeconds(12));
        var delivered = await Delivered(failing, booking.ShipmentId, 4);
        Assert.Equal(tried.WebhookId, delivered[0].WebhookId);
        Assert.Equal(tried.Notification, delivered[0].Notification);
        Assert.Equal([NotificationTypes.Event, NotificationTypes.StatusChanged, NotificationTypes.Event, NotificationTypes.EtaChanged],
            delivered.Select(d => d.Notification.Type));
        Assert.Equal([1, 1, 1, 2], (await Poll.Until(() => Deliveries(failing), d => d.Count == 5)).Take(4).Select(d => d.Attempt));
        Assert.Equal(0, await Poll.Until(() => PendingNotifications(booking.ShipmentId), n => n == 0));
    }

    [Fact]
    public async Task Notifications_made_while_earlier_ones_are_on_their_way_follow_them_and_only_once_they_are_delivered()
    {
        var forwarder = Ids.Next("FWD");
        var slow = await Subscribe(forwarder, types: [NotificationTypes.Event]);
        var (booking, barge) = await Book(forwarder);
        var held = RecordingWebhookSender.Holds[slow] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RecordingWebhookSender.Answers[slow] = 500;
        var load = Make.Equipment(EventCode.LOAD, booking.Containers[0], "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, barge);
        var departure = Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12));
        var arrival = Make.Transport(EventCode.ARRI, TransportMode.BARGE, barge, "CNNSA", Make.ChinaTime(17, 0));

        // The load's notification is on its way (held at the receiver) when the departure's and the arrival's are made.
        await Grains.Submit(load);
        await Grains.Submit(departure);
        await Grains.Submit(arrival);
        RecordingWebhookSender.Holds.TryRemove(slow, out _);
        held.SetResult();

        // The load's fails: the ones behind it wait for its retry, which the clock has not reached.
        var failed = await Poll.Until(() => Deliveries(slow), d => d.Count > 0);
        Assert.Equal(load.EventId, Assert.Single(RecordingWebhookSender.For(slow)).Notification.Event!.EventId);
        Assert.Equal((1, 500), (Assert.Single(failed).Attempt, failed[0].StatusCode!.Value));

        RecordingWebhookSender.Answers[slow] = 204;
        ClusterFixture.Clock.Advance(Duration.FromSeconds(12));
        var delivered = await Delivered(slow, booking.ShipmentId, 3);
        Assert.Equal([load.EventId, departure.EventId, arrival.EventId], delivered.Select(d => d.Notification.Event!.EventId));
        Assert.Equal(4, RecordingWebhookSender.For(slow).Count);
    }

    [Fact]
    public async Task After_the_last_retry_a_notification_is_given_up_and_kept_in_the_deliveries_log()
    {
        var forwarder = Ids.Next("FWD");
        var failing = await Subscribe(forwarder, types: [NotificationTypes.Event]);
        RecordingWebhookSender.Answers[failing] = 500;
        var (booking, barge) = await Book(forwarder);
        await Grains.Submit(Make.Equipment(EventCode.LOAD, booking.Containers[0], "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, barge));

        // Three attempts: the first, then one after each of the two delays.
        foreach (var attempts in new[] { 1, 2 })
        {
            await Poll.Until(() => Deliveries(failing), d => d.Count == attempts);
            ClusterFixture.Clock.Advance(Duration.FromSeconds(25));
        }

        var log = await Poll.Until(() => Deliveries(failing), d => d.Count == 3);
        Assert.Equal([3, 2, 1], log.Select(l => l.Attempt));
        Assert.All(log, l => Assert.Equal((500, "answered 500"), (l.StatusCode!.Value, l.Error!)));
        Assert.Null(log[0].NextAttemptAt);
        Assert.NotNull(log[1].NextAttemptAt);
        Assert.Equal(0, await Poll.Until(() => PendingNotifications(booking.ShipmentId), n => n == 0));
    }

    [Fact]
    public async Task A_410_disables_the_subscription_and_nothing_more_is_made_or_sent_for_it()
    {
        var forwarder = Ids.Next("FWD");
        var gone = await Subscribe(forwarder);
        var witness = await Subscribe(forwarder, types: [NotificationTypes.Event]);
        RecordingWebhookSender.Answers[gone] = 410;
        var (booking, barge) = await Book(forwarder);
        await Grains.Submit(Make.Equipment(EventCode.LOAD, booking.Containers[0], "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, barge));

        var subscription = await Poll.Until(
            () => Grains.GetGrain<ISubscriptionGrain>(gone).Definition(), s => s!.Status == SubscriptionStatus.DISABLED);
        Assert.Equal(SubscriptionStatus.DISABLED, subscription!.Status);
        Assert.Equal(0, await Poll.Until(() => PendingNotifications(booking.ShipmentId), n => n == 0));
        Assert.Equal(SubscriptionStatus.DISABLED,
            Assert.Single(await Grains.GetGrain<ISubscriptionRegistryGrain>(0).List(forwarder), s => s.SubscriptionId == gone).Status);

        // The departure is told to the other subscription; the disabled one is never tried again.
        await Grains.Submit(Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12)));
        await Delivered(witness, booking.ShipmentId, 2);
        Assert.Equal(0, await Poll.Until(() => PendingNotifications(booking.ShipmentId), n => n == 0));
        Assert.Single(RecordingWebhookSender.For(gone));
    }

    [Fact]
    public async Task A_subscription_made_while_a_shipment_is_active_hears_of_its_next_change()
    {
        var forwarder = Ids.Next("FWD");
        var (booking, barge) = await Book(forwarder);
        await Grains.Submit(Make.Equipment(EventCode.LOAD, booking.Containers[0], "CNSUD", Make.ChinaTime(8, 55), TransportMode.BARGE, barge));

        var late = await Subscribe(forwarder);
        await Grains.Submit(Make.Transport(EventCode.DEPA, TransportMode.BARGE, barge, "CNSUD", Make.ChinaTime(9, 12)));

        var received = await Delivered(late, booking.ShipmentId, 2);
        Assert.Equal([NotificationTypes.Event, NotificationTypes.EtaChanged], received.Select(r => r.Notification.Type));
        Assert.Equal(EventCode.DEPA, received[0].Notification.Event!.EventCode);
    }

    private async Task<string> Subscribe(string forwarder, string[]? types = null, EventCode[]? eventCodes = null)
    {
        var subscription = new Subscription(Ids.Next("sub"), forwarder, "https://receiver.example/hook", types ?? NotificationTypes.All, [], [],
            eventCodes ?? [], SubscriptionStatus.ACTIVE, ClusterFixture.Clock.GetCurrentInstant());
        await Grains.GetGrain<ISubscriptionGrain>(subscription.SubscriptionId).Create(subscription, ClusterFixture.Seal.Seal(new byte[32]));
        return subscription.SubscriptionId;
    }

    /// <summary>
    /// A barge shipment (Shunde to Nansha, then on by vessel) with one container, planned so that a late departure moves its
    /// ETA. Each test books for a forwarder of its own, so that no other test's subscriptions see its shipments.
    /// </summary>
    private async Task<(ShipmentBooking Booking, string Barge)> Book(string forwarder)
    {
        var barge = Ids.Next("SUIGANG");
        var booking = Make.Booking(Ids.Next("WH"), Ids.Containers(1),
            Make.Leg(TransportMode.BARGE, barge, "CNSUD", "CNNSA") with { PlannedDeparture = Make.ChinaTime(9, 0), PlannedArrival = Make.ChinaTime(17, 0) },
            Make.Leg(TransportMode.VESSEL, Ids.Next("COSCO"), "CNNSA", "NLRTM") with { PlannedArrival = Make.ChinaTime(6, 0, plusDays: 39) })
            with { Forwarder = forwarder };
        await Grains.BookCreated(booking);
        return (booking, barge);
    }

    /// <summary>The delivered notifications of one shipment to one subscription, in the order they were received (2xx only).</summary>
    private static async Task<IReadOnlyList<WebhookRequest>> Delivered(string subscriptionId, string shipmentId, int count)
    {
        var received = await Poll.Until(
            () => Task.FromResult(RecordingWebhookSender.DeliveredTo(subscriptionId).Where(a => a.Notification.ShipmentId == shipmentId).ToList()),
            r => r.Count >= count);
        Assert.True(received.Count >= count, $"{received.Count} of {count} notifications reached {subscriptionId}");
        return received;
    }

    private Task<IReadOnlyList<DeliveryAttempt>> Deliveries(string subscriptionId) =>
        Grains.GetGrain<ISubscriptionGrain>(subscriptionId).Deliveries(DeliveryAttempt.Kept);

    private static Task<int> PendingNotifications(string shipmentId) => ScriptedJournal.PendingNotifications(shipmentId);
}
