using System.Diagnostics.Metrics;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Abstractions;

/// <summary>
/// The service's own meter, <see cref="MeterName"/>, with the series api.md 1.1 "Operations" names; the API and the
/// grains record into it in the domain's words. Counts are kept as running totals of this silo and observed at each
/// collection, so every series is exported from the start, at 0 until something happens.
/// </summary>
public static class TransitMetrics
{
    public const string MeterName = "TransitGrains";

    /// <summary>The meter; naming it to a meter provider also creates its instruments.</summary>
    public static readonly Meter Meter = new(MeterName);

    private static readonly Totals Events = new("status", "accepted", "duplicate", "rejected");
    private static readonly Totals Bookings = new(null, "");
    private static readonly Totals TaxTriggers = new("kind", Enum.GetNames<TaxRefundTriggerKind>());
    private static readonly Totals WebhookDeliveries = new("outcome", "delivered", "failed", "gave_up");
    private static long _outboxPending;

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
            () => Interlocked.Read(ref _outboxPending),
            description: "Outbox entries (tax refund triggers, webhook notifications) added on this silo and not yet delivered or given up, "
                + "less those settled here that were added elsewhere");
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

    /// <summary>A trigger went into a shipment's outbox: counted, and pending until it is delivered.</summary>
    public static void TaxTriggerAdded(TaxRefundTriggerKind kind)
    {
        TaxTriggers.Add((int)kind, 1);
        Interlocked.Increment(ref _outboxPending);
    }

    /// <summary>Webhook notifications went into a shipment's outbox, one per subscriber: pending until delivered or given up.</summary>
    public static void NotificationsAdded(int count) => Interlocked.Add(ref _outboxPending, count);

    /// <summary>Outbox entries delivered (or given up): no longer pending.</summary>
    public static void OutboxEntriesSettled(int count) => Interlocked.Add(ref _outboxPending, -count);

    public static void WebhookDelivered() => WebhookDeliveries.Add(0, 1);

    public static void WebhookDeliveryFailed() => WebhookDeliveries.Add(1, 1);

    public static void WebhookGivenUp() => WebhookDeliveries.Add(2, 1);

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
