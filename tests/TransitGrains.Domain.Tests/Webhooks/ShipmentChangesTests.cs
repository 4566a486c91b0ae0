using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Tests.Support;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Webhooks;

/// <summary>What one write tells a shipment's subscribers.</summary>
public class ShipmentChangesTests
{
    private static readonly Instant Now = I("2020-11-30T12:00:00+08:00");

    /// <summary>As the shipment stands after a write: the triggers the events made due are in its outbox.</summary>
    private static ShipmentFacts FactsAfter(IEnumerable<TransitEvent> events, IEnumerable<TaxRefundTrigger>? issued = null)
    {
        var record = Shipment.Record(Bookings.OnePort(Csqu, Apzu), events, issued);
        var evaluation = Shipment.Evaluate(record, Now);
        return ShipmentProjection.Facts(record with { Outbox = [.. record.Outbox, .. evaluation.Refund.Due.Select(OutboxEntry.Pending)] }, evaluation);
    }

    private static IReadOnlyList<(ShipmentNotification Notification, NotificationFacts Facts)> Changes(
        IReadOnlyList<TransitEvent> before, IReadOnlyList<TransitEvent> accepted) =>
        ShipmentChanges.Between(FactsAfter(before), FactsAfter([.. before, .. accepted]), accepted, "GZ21-000123", Now, 41);

    [Fact]
    public void Each_accepted_event_is_a_notification_with_its_timeline_entry_in_event_time_order_then_the_changes_it_made()
    {
        var journey = OnePortJourney.Of(Csqu, Apzu);
        var releases = journey.Events(Step.Release);
        var loads = journey.Events(Step.LoadBarge).Select(l => l with { ReportedBy = "shunde-terminal" }).ToList();
        var departure = journey.Events(Step.BargeDeparts)[0];

        // Reported in another order than they happened, in one write after the booking.
        var made = Changes([], [departure, .. loads, .. releases]);

        Assert.Equal(
            [.. Enumerable.Repeat(NotificationTypes.Event, 5), NotificationTypes.StatusChanged, NotificationTypes.EtaChanged,
             NotificationTypes.TaxRefundChanged],
            made.Select(m => m.Notification.Type));
        Assert.Equal([41L, 42, 43, 44, 45, 46, 47, 48], made.Select(m => m.Notification.Sequence));
        Assert.All(made, m => Assert.Equal(("GZ21-000123", Now), (m.Notification.ShipmentId, m.Notification.Timestamp)));

        var events = made.Take(5).Select(m => m.Notification.Event!).ToList();
        // Events at the same moment in the order of their ids, as the timeline has them.
        Assert.Equal(
            [.. releases.Select(e => e.EventId).Order(StringComparer.Ordinal), .. loads.Select(e => e.EventId).Order(StringComparer.Ordinal), departure.EventId],
            events.Select(e => e.EventId));
        Assert.Equal("shunde-terminal", events[2].ReportedBy);
        Assert.Equal(TimelineEntry.Of(departure), events[4]);

        // An event's own container, or (a transport event) every container of the shipment; the causing event's code.
        Assert.Equal([[Apzu], [Csqu], [Apzu], [Csqu], [Csqu, Apzu]], made.Take(5).Select(m => m.Facts.Containers));
        Assert.Equal([EventCode.LOAD], made[2].Facts.EventCodes);

        var status = made[5].Notification;
        Assert.Equal((ShipmentStatus.IN_TRANSIT, ShipmentStatus.BOOKED), (status.Status!.Value, status.PreviousStatus!.Value));
        Assert.Equal([EventCode.CUSR, EventCode.LOAD, EventCode.DEPA], made[5].Facts.EventCodes);

        // Twelve minutes late leaving Shunde: the ETA at Rotterdam moves by as much.
        var eta = made[6].Notification;
        Assert.Equal((T("2021-01-08T06:12:00+01:00"), T("2021-01-08T06:00:00+01:00")), (eta.Eta!.Value, eta.PreviousEta!.Value));

        var refund = made[7].Notification.TaxRefund!;
        Assert.Equal(TaxRefundStatus.TRIGGERED, refund.Status);
        Assert.Equal("GZ21-000123:REFUND_ELIGIBLE", Assert.Single(refund.Triggers).MessageId);
    }

    [Fact]
    public void An_eta_change_tells_the_new_and_the_previous_eta_in_the_destinations_zone()
    {
        var journey = OnePortJourney.Of(Csqu, Apzu);
        var before = journey.Through(Step.LoadBarge);
        var estimate = Ev.Arri(TransportMode.VESSEL, Vessel, Rotterdam, "2021-01-10T07:00:00Z", EventClassifier.EST);

        var made = Assert.Single(Changes(before, [estimate]), m => m.Notification.Type == NotificationTypes.EtaChanged).Notification;

        Assert.Equal(T("2021-01-10T08:00:00+01:00"), made.Eta);
        Assert.Equal(T("2021-01-08T06:00:00+01:00"), made.PreviousEta);
    }

    [Fact]
    public void Nothing_changed_makes_nothing_and_a_trigger_reaching_the_queue_is_no_refund_change()
    {
        var history = OnePortJourney.Of(Csqu, Apzu).Through(Step.BargeDeparts);
        var issued = Shipment.Refund(Bookings.OnePort(Csqu, Apzu), history, Now).Due;
        var undelivered = ShipmentProjection.Facts(
            Shipment.Record(Bookings.OnePort(Csqu, Apzu), history) with { Outbox = issued.Select(OutboxEntry.Pending).ToList() },
            Shipment.Evaluate(Shipment.Record(Bookings.OnePort(Csqu, Apzu), history, issued), Now));

        Assert.Empty(ShipmentChanges.Between(undelivered, FactsAfter(history, issued), [], "GZ21-000123", Now, 0));
    }
}
