using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// The departure-port refund through the grains: triggers stored in the shipment's outbox, delivered to the
/// (recording) publisher once each, kept while it is down, and decided by the injected clock.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TaxOutboxTests : IDisposable
{
    /// <summary>The end of the 60th local day after a departure on 2020-11-30 (China time).</summary>
    private static readonly OffsetDateTime Deadline = new LocalDateTime(2021, 1, 29, 23, 59, 59).WithOffset(Make.China);

    private readonly ClusterFixture _fixture;

    public TaxOutboxTests(ClusterFixture fixture)
    {
        _fixture = fixture;
        // Each test starts on the day of departure, whatever an earlier test did to the shared clock.
        ClusterFixture.Clock.Reset(ClusterFixture.Start);
        RecordingPublisher.Failing = false;
    }

    private IGrainFactory Grains => _fixture.Grains;

    public void Dispose() => RecordingPublisher.Failing = false;

    [Fact]
    public async Task Release_and_departure_publish_REFUND_ELIGIBLE_once()
    {
        var s = await QualifyingShipment.BookAsync(Grains, containers: 2);
        Assert.Equal(TaxRefundStatus.PENDING, (await Grains.View(s.Id)).TaxRefund.Status);

        Assert.Equal([EventOutcome.ACCEPTED, EventOutcome.ACCEPTED], await Grains.Submit(s.Releases()));
        Assert.Equal(TaxRefundStatus.PENDING, (await Grains.View(s.Id)).TaxRefund.Status);
        Assert.Equal([EventOutcome.ACCEPTED, EventOutcome.ACCEPTED], await Grains.Submit(s.Loads()));
        Assert.Equal(TaxRefundStatus.PENDING, (await Grains.View(s.Id)).TaxRefund.Status);

        var departure = s.BargeDeparture();
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(departure));
        var view = await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_ELIGIBLE);
        Assert.Equal(TaxRefundStatus.TRIGGERED, view.TaxRefund.Status);
        Assert.Equal(Deadline, view.TaxRefund.Deadline);
        Assert.Equal("CNSUD", view.TaxRefund.DeparturePort);
        Assert.Equal("CNNSA", view.TaxRefund.ExitPort);

        var message = Assert.Single(RecordingPublisher.For(s.Id));
        Assert.Equal($"{s.Id}:REFUND_ELIGIBLE", message.MessageId);
        Assert.Equal(TaxRefundTriggerKinds.RefundEligible, message.Kind);
        Assert.Equal(s.Booking.Containers.Select(c => c.Value), message.Containers);
        Assert.Equal(s.Barge, message.ConveyanceId);
        Assert.Equal(departure.EventDateTime, message.DepartedAt);
        Assert.Equal(Make.ChinaTime(8, 40), message.ReleasedAt);
        Assert.Equal(Deadline, message.Deadline);
        Assert.Null(message.Reason);

        // The departure reported again changes nothing, and nothing is published twice.
        Assert.Equal([EventOutcome.DUPLICATE], await Grains.Submit(departure));
        Assert.Single(RecordingPublisher.For(s.Id));

        // The outbox's next delivery, of the revocation a revoked declaration causes, sends only that one: a trigger
        // once marked delivered is not sent again.
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(Make.Customs(EventCode.CUSX, s.Booking.Containers[0], "CNSUD", Make.ChinaTime(11, 0))));
        await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_REVOKED);
        Assert.Equal([TaxRefundTriggerKinds.RefundEligible, TaxRefundTriggerKinds.RefundRevoked], RecordingPublisher.For(s.Id).Select(m => m.Kind));
    }

    [Fact]
    public async Task While_the_queue_is_down_events_are_accepted_and_the_trigger_waits_then_goes_once()
    {
        RecordingPublisher.Failing = true;
        var s = await QualifyingShipment.BookAsync(Grains, containers: 1);
        Assert.Equal([EventOutcome.ACCEPTED, EventOutcome.ACCEPTED, EventOutcome.ACCEPTED], await Grains.Submit([.. s.Releases(), .. s.Loads(), s.BargeDeparture()]));

        var messageId = $"{s.Id}:REFUND_ELIGIBLE";
        await Poll.Until(() => Task.FromResult(RecordingPublisher.Refused.GetValueOrDefault(messageId)), n => n > 0);
        Assert.True(RecordingPublisher.Refused.GetValueOrDefault(messageId) > 0, "the outbox never tried to publish");
        var waiting = await Grains.View(s.Id);
        Assert.Equal(TaxRefundStatus.TRIGGERED, waiting.TaxRefund.Status);
        Assert.Null(Assert.Single(waiting.TaxRefund.Triggers).DeliveredAt);
        Assert.Empty(RecordingPublisher.For(s.Id));

        // The shipment keeps working meanwhile.
        var arrival = Make.Transport(EventCode.ARRI, TransportMode.BARGE, s.Barge, "CNNSA", Make.ChinaTime(17, 0));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(arrival));

        // Retries back off on the injected clock, so time has to pass there for the next attempt to be due.
        RecordingPublisher.Failing = false;
        ClusterFixture.Clock.Advance(Duration.FromMinutes(10));
        var delivered = await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_ELIGIBLE);
        Assert.Equal(TaxRefundStatus.TRIGGERED, delivered.TaxRefund.Status);
        Assert.Equal(messageId, Assert.Single(RecordingPublisher.For(s.Id)).MessageId);

        // The outbox's next delivery, of the revocation a revoked declaration causes, sends only that one: the trigger
        // that waited out the outage is not sent again once marked delivered.
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(Make.Customs(EventCode.CUSX, s.Booking.Containers[0], "CNSUD", Make.ChinaTime(11, 0))));
        await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_REVOKED);
        Assert.Equal([TaxRefundTriggerKinds.RefundEligible, TaxRefundTriggerKinds.RefundRevoked], RecordingPublisher.For(s.Id).Select(m => m.Kind));
    }

    [Fact]
    public async Task Past_the_deadline_and_the_grace_without_exit_the_next_evaluation_revokes_with_DEADLINE_PASSED()
    {
        var s = await QualifyingShipment.BookAsync(Grains, containers: 1);
        await Grains.Submit([.. s.Releases(), .. s.Loads(), s.BargeDeparture()]);
        await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_ELIGIBLE);

        // A new event makes the shipment look at the moved clock at once (the stored wake-up would, within seconds).
        ClusterFixture.Clock.Reset(Deadline.ToInstant() + RefundPolicyBook.DefaultExitReportGrace + Duration.FromSeconds(1));
        var arrival = Make.Transport(EventCode.ARRI, TransportMode.BARGE, s.Barge, "CNNSA", Make.ChinaTime(17, 0));
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(arrival));

        var view = await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_REVOKED);
        Assert.Equal(TaxRefundStatus.REVOKED, view.TaxRefund.Status);
        var trigger = view.TaxRefund.Triggers.Single(t => t.Kind == TaxRefundTriggerKind.REFUND_REVOKED);
        Assert.Equal(RefundRevocationReason.DEADLINE_PASSED, trigger.Reason);

        var published = RecordingPublisher.For(s.Id);
        Assert.Equal([TaxRefundTriggerKinds.RefundEligible, TaxRefundTriggerKinds.RefundRevoked], published.Select(m => m.Kind));
        Assert.Equal(RefundRevocationReasons.DeadlinePassed, published[1].Reason);
        Assert.Equal(Deadline, published[1].Deadline);
    }

    [Fact]
    public async Task Cancelling_a_triggered_shipment_revokes_with_CANCELLED()
    {
        var s = await QualifyingShipment.BookAsync(Grains, containers: 1);
        await Grains.Submit([.. s.Releases(), .. s.Loads(), s.BargeDeparture()]);
        await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_ELIGIBLE);

        ClusterFixture.Clock.Advance(Duration.FromDays(2));
        Assert.Equal(CancellationOutcome.Cancelled, (await Grains.GetGrain<IShipmentGrain>(s.Id).Cancel()).Outcome);

        await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_REVOKED);
        var published = RecordingPublisher.For(s.Id);
        Assert.Equal([TaxRefundTriggerKinds.RefundEligible, TaxRefundTriggerKinds.RefundRevoked], published.Select(m => m.Kind));
        Assert.Equal(RefundRevocationReasons.Cancelled, published[1].Reason);
    }

    [Fact]
    public async Task Every_container_loaded_on_the_vessel_and_its_departure_from_the_exit_port_confirm_the_exit()
    {
        var s = await QualifyingShipment.BookAsync(Grains, containers: 2);
        await Grains.Submit([.. s.Releases(), .. s.Loads(), s.BargeDeparture()]);
        await DeliveredView(s.Id, TaxRefundTriggerKind.REFUND_ELIGIBLE);

        var (first, second) = (s.Booking.Containers[0], s.Booking.Containers[1]);
        var vesselDeparture = Make.Transport(EventCode.DEPA, TransportMode.VESSEL, s.Vessel, "CNNSA", Make.ChinaTime(22, 0, plusDays: 2));
        Assert.All(await Grains.Submit(
                Make.Transport(EventCode.ARRI, TransportMode.BARGE, s.Barge, "CNNSA", Make.ChinaTime(17, 0)),
                Make.Equipment(EventCode.DISC, first, "CNNSA", Make.ChinaTime(18, 0), TransportMode.BARGE, s.Barge),
                Make.Equipment(EventCode.DISC, second, "CNNSA", Make.ChinaTime(18, 5), TransportMode.BARGE, s.Barge),
                Make.Equipment(EventCode.LOAD, first, "CNNSA", Make.ChinaTime(10, 0, plusDays: 2), TransportMode.VESSEL, s.Vessel),
                vesselDeparture),
            o => Assert.Equal(EventOutcome.ACCEPTED, o));

        // One container is not reported aboard yet: no exit.
        var open = await Grains.View(s.Id);
        Assert.Equal(TaxRefundStatus.TRIGGERED, open.TaxRefund.Status);
        Assert.Single(open.TaxRefund.Triggers);

        // Its LOAD, reported late, happened before the departure: now every container left aboard the vessel.
        var lateLoad = Make.Equipment(EventCode.LOAD, second, "CNNSA", Make.ChinaTime(11, 0, plusDays: 2), TransportMode.VESSEL, s.Vessel);
        Assert.Equal([EventOutcome.ACCEPTED], await Grains.Submit(lateLoad));

        var confirmed = await DeliveredView(s.Id, TaxRefundTriggerKind.EXIT_CONFIRMED);
        Assert.Equal(TaxRefundStatus.EXIT_CONFIRMED, confirmed.TaxRefund.Status);
        var published = RecordingPublisher.For(s.Id);
        Assert.Equal([TaxRefundTriggerKinds.RefundEligible, TaxRefundTriggerKinds.ExitConfirmed], published.Select(m => m.Kind));
        Assert.Equal(s.Vessel, published[1].ConveyanceId);
        Assert.Equal(vesselDeparture.EventDateTime, published[1].ExitedAt);
    }

    /// <summary>
    /// The view once a trigger of this kind is marked delivered (the outbox timer ticks every second). A trigger is
    /// published before it is marked, so from then on the publisher holds every publication made up to that mark.
    /// </summary>
    private async Task<ShipmentView> DeliveredView(string shipmentId, TaxRefundTriggerKind kind)
    {
        var view = await Poll.Until(
            () => Grains.View(shipmentId),
            v => v.TaxRefund.Triggers.Any(t => t.Kind == kind && t.DeliveredAt is not null));
        var trigger = view.TaxRefund.Triggers.SingleOrDefault(t => t.Kind == kind);
        Assert.True(trigger?.DeliveredAt is not null, $"{kind} not delivered; triggers: {string.Join(", ", view.TaxRefund.Triggers)}");
        return view;
    }
}
