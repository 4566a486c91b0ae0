using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Webhooks;
using Orleans.TestingHost;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// The outbox series by channel, read from the service's meter as the /metrics exporter reads it: an entry that cannot be
/// delivered is pending, ages on the silos' clock, and counts each failed attempt; once delivered it counts as delivered
/// and is pending no more. The series count every grain of the shared cluster (entries other tests left behind are retried,
/// or given up, as the clock moves), so each is checked for this test's share.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OutboxMetricsTests : IDisposable
{
    private readonly ClusterFixture _fixture;

    public OutboxMetricsTests(ClusterFixture fixture)
    {
        _fixture = fixture;
        ClusterFixture.Clock.Reset(ClusterFixture.Start);
        RecordingPublisher.Failing = false;
    }

    public void Dispose() => RecordingPublisher.Failing = false;

    [Fact]
    public async Task A_tax_trigger_the_queue_refuses_is_pending_ages_and_counts_its_failures_then_counts_as_delivered()
    {
        var before = OutboxSeries.Read(OutboxSeries.TaxTrigger);
        RecordingPublisher.Failing = true;
        var s = await QualifyingShipment.BookAsync(_fixture.Grains, containers: 1);
        await _fixture.Grains.Submit([.. s.Releases(), .. s.Loads(), s.BargeDeparture()]);
        var messageId = $"{s.Id}:REFUND_ELIGIBLE";
        await Poll.Until(() => Task.FromResult(RecordingPublisher.Refused.GetValueOrDefault(messageId)), n => n > 0);

        ClusterFixture.Clock.Advance(Duration.FromMinutes(5));
        // A failed attempt is counted when the next tick records it.
        var waiting = await Poll.Until(
            () => Task.FromResult(OutboxSeries.Read(OutboxSeries.TaxTrigger)), m => m.OldestPendingAge >= 300 && m.Failed > before.Failed);
        Assert.True(waiting.Pending >= 1, $"{waiting.Pending} pending");
        Assert.True(waiting.OldestPendingAge >= 300, $"oldest pending {waiting.OldestPendingAge} s");
        Assert.True(waiting.Failed >= before.Failed + 1, $"{waiting.Failed} failed, {before.Failed} before");

        RecordingPublisher.Failing = false;
        ClusterFixture.Clock.Advance(Duration.FromMinutes(1));
        // The series are the silo's: another grain's delivery may be counted first, so wait for this one's to leave the pending count.
        var delivered = await Poll.Until(
            () => Task.FromResult(OutboxSeries.Read(OutboxSeries.TaxTrigger)), m => m.Delivered > before.Delivered && m.Pending <= waiting.Pending - 1);
        Assert.True(delivered.Pending <= waiting.Pending - 1, $"{delivered.Pending} pending after, {waiting.Pending} before");
    }

    [Fact]
    public async Task A_notification_its_receiver_fails_is_pending_and_counts_each_failed_attempt_then_counts_as_delivered()
    {
        var before = OutboxSeries.Read(OutboxSeries.Webhook);
        var forwarder = Ids.Next("FWD");
        var subscription = new Subscription(Ids.Next("sub"), forwarder, "https://receiver.example/hook", [NotificationTypes.Event], [], [], [],
            SubscriptionStatus.ACTIVE, ClusterFixture.Clock.GetCurrentInstant());
        var known = await DirectoryVersions();
        await _fixture.Grains.GetGrain<ISubscriptionGrain>(subscription.SubscriptionId).Create(subscription, ClusterFixture.Seal.Seal(new byte[32]));
        // Each silo's copy of the subscriptions has the new one when the registry pushes it, or, if the registry was
        // collected since it last asked (another test may force that), at its next refresh: the change must come after.
        await Poll.Until(DirectoryVersions, versions => versions.Zip(known).All(v => v.First > v.Second), timeoutSeconds: SubscriptionDirectory.Refresh.TotalSeconds * 2 + 10);
        RecordingWebhookSender.Answers[subscription.SubscriptionId] = 500;
        var booking = Make.Booking(Ids.Next("MET"), Ids.Containers(1), Make.Leg(TransportMode.BARGE, Ids.Next("SUIGANG"), "CNSUD", "CNNSA")) with
        {
            Forwarder = forwarder,
        };
        await _fixture.Grains.BookCreated(booking);
        await _fixture.Grains.Submit(Make.Equipment(EventCode.GTIN, booking.Containers[0], "CNSUD", Make.ChinaTime(8, 0)));
        await Poll.Until(() => Task.FromResult(RecordingWebhookSender.For(subscription.SubscriptionId).Count), n => n >= 1);

        // The first retry comes 10 s (±10%) later on the silos' clock (the fixture's schedule), and fails as well.
        ClusterFixture.Clock.Advance(Duration.FromSeconds(15));
        await Poll.Until(() => Task.FromResult(RecordingWebhookSender.For(subscription.SubscriptionId).Count), n => n >= 2);
        var waiting = await Poll.Until(() => Task.FromResult(OutboxSeries.Read(OutboxSeries.Webhook)), m => m.Failed >= before.Failed + 2);
        Assert.True(waiting.Pending >= 1, $"{waiting.Pending} pending");
        Assert.True(waiting.OldestPendingAge >= 15, $"oldest pending {waiting.OldestPendingAge} s");

        // The second retry, 20 s (±10%) after the first, is answered.
        RecordingWebhookSender.Answers[subscription.SubscriptionId] = 204;
        ClusterFixture.Clock.Advance(Duration.FromSeconds(30));
        var delivered = await Poll.Until(() => Task.FromResult(OutboxSeries.Read(OutboxSeries.Webhook)), m => m.Delivered > before.Delivered);
        Assert.True(delivered.Pending <= waiting.Pending - 1, $"{delivered.Pending} pending after, {waiting.Pending} before");
    }

    private async Task<long[]> DirectoryVersions()
    {
        var directories = _fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.ServiceProvider.GetRequiredService<SubscriptionDirectory>());
        return await Task.WhenAll(directories.Select(async d => (await d.CurrentAsync()).Version));
    }
}

/// <summary>The four outbox series of one channel, as one collection of the service's meter observes them.</summary>
internal sealed record OutboxSeries(double Pending, double OldestPendingAge, double Delivered, double Failed)
{
    public const string TaxTrigger = "tax_trigger";
    public const string Webhook = "webhook";

    public static OutboxSeries Read(string channel)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TransitMetrics.MeterName && instrument.Name.StartsWith("transit.outbox.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "channel" && (string?)tag.Value == channel)
                {
                    values[instrument.Name] = value;
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _ = TransitMetrics.Meter;
        listener.Start();
        listener.RecordObservableInstruments();
        return new OutboxSeries(
            values["transit.outbox.pending"], values["transit.outbox.oldest_pending_age"], values["transit.outbox.delivered"], values["transit.outbox.failed"]);
    }
}
