using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using NodaTime;
using TransitGrains.Domain.Outbox;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Abstractions;

/// <summary>
/// The service's own meter, <see cref="MeterName"/>, with the series api.md 1.1 "Operations" names; the API and the
/// grains record into it in the domain's words. Counts are kept as running totals of this silo and observed at each
/// collection, so every series is exported from the start, at 0 until something happens.
/// </summary>
public static class TransitMetrics
{
    /// <summary>The push channels whose outbox entries are counted, as the <c>channel</c> label names them (by index).</summary>
    private static readonly string[] ChannelLabels = ["tax_trigger", "webhook"];

    public const string MeterName = "TransitGrains";

    /// <summary>The meter; naming it to a meter provider also creates its instruments.</summary>
    public static readonly Meter Meter = new(MeterName);

    private static readonly Totals Events = new("status", "accepted", "duplicate", "rejected");
    private static readonly Totals Bookings = new(null, "");
    private static readonly Totals TaxTriggers = new("kind", Enum.GetNames<TaxRefundTriggerKind>());
    private static readonly Totals WebhookDeliveries = new("outcome", "delivered", "failed", "gave_up");
    private static readonly Totals OutboxDelivered = new("channel", ChannelLabels);
    private static readonly Totals OutboxFailed = new("channel", ChannelLabels);

    /// <summary>What waits in each outbox of a grain active on this silo, by channel; only outboxes where something waits.</summary>
    private static readonly ConcurrentDictionary<(object Outbox, PushChannel Channel), Waiting> Waits = new();

    private static readonly Histogram<double> EventBatchDuration = Meter.CreateHistogram(
        "transit.event_batch.duration",
        unit: "s",
        description: "Time to answer one POST /api/v1/events batch",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    static TransitMetrics()
    {
        Meter.CreateObservableCounter("transit.events", Events.Observe, description: "Reported events, by how they were answered");
        Meter.CreateObservableCounter("transit.bookings", Bookings.Observe, description: "Shipments booked (not repeats of a booking)");
        Meter.CreateObservableCounter("transit.tax_triggers", TaxTriggers.Observe, description: "Tax refund triggers added to an outbox, by kind");
        Meter.CreateObservableUpDownCounter(
            "transit.outbox.pending",
            () => ByChannel(waits => waits.Sum(w => w.Count)),
            description: "Outbox entries (tax refund triggers, webhook notifications) not yet delivered or given up, in the grains active on this silo, by channel");
        Meter.CreateObservableGauge(
            "transit.outbox.oldest_pending_age",
            () => ByChannel(waits => waits.Select(w => (w.Clock.GetCurrentInstant() - w.OldestMadeAt).TotalSeconds).DefaultIfEmpty(0).Max()),
            unit: "s",
            description: "How long the longest-waiting outbox entry of the grains active on this silo has waited since it was made, by channel (0 when none waits)");
        Meter.CreateObservableCounter(
            "transit.outbox.delivered", OutboxDelivered.Observe, description: "Outbox entries delivered, by channel");
        Meter.CreateObservableCounter(
            "transit.outbox.failed", OutboxFailed.Observe, description: "Outbox delivery attempts that failed (to be tried again, or given up), by channel");
        Meter.CreateObservableCounter(
            "transit.webhook_deliveries", WebhookDeliveries.Observe, description: "Webhook delivery attempts, by outcome");
    }

    /// <summary>One batch's answers.</summary>
    public static void EventsAnswered(int accepted, int duplicate, int rejected)
    {
        Events.Add(0, accepted);
        Events.Add(1, duplicate);
        Events.Add(2, rejected);
    }

    public static void EventBatchAnswered(TimeSpan took) => EventBatchDuration.Record(took.TotalSeconds);

    public static void ShipmentBooked() => Bookings.Add(0, 1);

    /// <summary>A trigger went into a shipment's outbox.</summary>
    public static void TaxTriggerAdded(TaxRefundTriggerKind kind) => TaxTriggers.Add((int)kind, 1);

    /// <summary>
    /// What waits in one channel of <paramref name="outbox"/> (<see cref="OutboxOpened"/>) now, as its grain's turn left it:
    /// replaces what it said before.
    /// <paramref name="clock"/> tells the age at each collection.
    /// </summary>
    public static void OutboxWaiting(object outbox, PushChannel channel, IEnumerable<IOutboxEntry> entries, IClock clock)
    {
        var (count, oldest) = OutboxOrder.Waiting(entries);
        if (oldest is { } madeAt)
        {
            Waits[(outbox, channel)] = new Waiting(count, madeAt, clock);
        }
        else
        {
            Waits.TryRemove((outbox, channel), out _);
        }
    }

    /// <summary>
    /// A grain's outbox, active on this silo until <paramref name="gone"/> completes (its deactivation): answers the key
    /// it reports under (<see cref="OutboxWaiting"/>). What waited there is counted where the grain activates next.
    /// </summary>
    public static object OutboxOpened(Task gone)
    {
        var outbox = new object();
        _ = gone.ContinueWith(
            deactivated =>
            {
                foreach (var channel in Enum.GetValues<PushChannel>())
                {
                    Waits.TryRemove((outbox, channel), out _);
                }
            },
            TaskScheduler.Default);
        return outbox;
    }

    /// <summary>Attempts at one channel's entries: how many delivered, how many failed (to be tried again, or given up).</summary>
    public static void OutboxAttempted(PushChannel channel, int delivered, int failed)
    {
        OutboxDelivered.Add((int)channel, delivered);
        OutboxFailed.Add((int)channel, failed);
    }

    public static void WebhookDelivered() => WebhookDeliveries.Add(0, 1);

    public static void WebhookDeliveryFailed() => WebhookDeliveries.Add(1, 1);

    public static void WebhookGivenUp() => WebhookDeliveries.Add(2, 1);

    private static IEnumerable<Measurement<T>> ByChannel<T>(Func<IEnumerable<Waiting>, T> measure) where T : struct =>
        Enum.GetValues<PushChannel>().Select(channel => new Measurement<T>(
            measure(Waits.Where(w => w.Key.Channel == channel).Select(w => w.Value)),
            new KeyValuePair<string, object?>("channel", ChannelLabels[(int)channel])));

    private sealed record Waiting(int Count, Instant OldestMadeAt, IClock Clock);

    /// <summary>Running totals, one per value of a label (or a single one without a label).</summary>
    private sealed class Totals(string? label, params string[] values)
    {
        private readonly long[] _counts = new long[values.Length];

        public void Add(int index, long count)
        {
            if (count != 0)
            {
                Interlocked.Add(ref _counts[index], count);
            }
        }

        public IEnumerable<Measurement<long>> Observe() =>
            values.Select((value, i) => label is null
                ? new Measurement<long>(Interlocked.Read(ref _counts[i]))
                : new Measurement<long>(Interlocked.Read(ref _counts[i]), new KeyValuePair<string, object?>(label, value)));
    }
}

/// <summary>The service's push channels, whose outbox series are labelled <c>channel="tax_trigger"</c> and <c>"webhook"</c>.</summary>
public enum PushChannel
{
    TaxTrigger,
    Webhook,
}
