using System.Diagnostics;
using System.Net;
using NodaTime;

namespace TransitGrains.PortSimulator;

/// <summary>The outcome of a run: sizes, timings, the service's answers, and every difference from the plan.</summary>
public sealed record RunReport(
    string Plan,
    int Shipments,
    int Containers,
    int Booked,
    int AlreadyBooked,
    Duration BookingTime,
    DeliveryReport Delivery,
    Duration VerifyTime,
    IReadOnlyList<string> Mismatches)
{
    public bool Success => Mismatches.Count == 0;

    public void Write(TextWriter output)
    {
        output.WriteLine($"Plan: {Plan}");
        output.WriteLine($"  {Shipments} shipments, {Containers} containers, {Delivery.UniqueEvents} events");
        output.WriteLine($"  booking:   {Booked} booked, {AlreadyBooked} already booked, in {Seconds(BookingTime)}");
        output.WriteLine($"  events:    {Delivery.Sent} sent in {Delivery.Batches} batches in {Seconds(Delivery.Elapsed)} ({Delivery.EventsPerSecond:F0}/s): "
            + $"{Delivery.Accepted} accepted, {Delivery.Duplicate} duplicate, {Delivery.Rejected} rejected, {Delivery.Retries} retried batches");
        output.WriteLine($"  verifying: {Seconds(VerifyTime)}");
        foreach (var mismatch in Mismatches.Take(50))
        {
            output.WriteLine($"  MISMATCH {mismatch}");
        }

        if (Mismatches.Count > 50)
        {
            output.WriteLine($"  ... and {Mismatches.Count - 50} more");
        }

        output.WriteLine(Success ? "OK: every shipment and conveyance reached the expected state." : $"FAILED: {Mismatches.Count} mismatches.");
    }

    private static string Seconds(Duration d) => $"{d.TotalSeconds:F1} s";
}

/// <summary>Books a plan's shipments, sends its events, and verifies the end state.</summary>
public sealed class SimulationRunner(TransitApi api, Progress progress)
{
    /// <param name="forwarder">For bookings that name none: an admin key must say whom a shipment is booked for.</param>
    public async Task<RunReport> Run(SimulationPlan plan, DeliveryOptions delivery, string forwarder, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (booked, already, refused) = await Book(plan.Bookings, forwarder, delivery.Concurrency, ct);
        var bookingTime = Duration.FromTimeSpan(clock.Elapsed);

        // Every booking new means these events were never sent: each must then be ACCEPTED exactly once.
        var sent = await Delivery.Send(api, plan.Events, delivery, firstDelivery: already == 0, progress, ct);

        clock.Restart();
        var mismatches = await Verifier.Check(api, plan.Expected, Math.Max(4, delivery.Concurrency), progress, ct);
        return new RunReport(plan.Name, plan.Bookings.Count, plan.ContainerCount, booked, already, bookingTime, sent,
            Duration.FromTimeSpan(clock.Elapsed), [.. refused, .. sent.Problems, .. mismatches]);
    }

    private async Task<(int Booked, int Already, List<string> Refused)> Book(IReadOnlyList<Booking> bookings, string forwarder, int concurrency, CancellationToken ct)
    {
        var (booked, already) = (0, 0);
        var refused = new List<string>();
        progress.Start("bookings", bookings.Count, () => (Volatile.Read(ref booked) + Volatile.Read(ref already), ""));
        await Parallel.ForEachAsync(bookings, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = ct }, async (booking, token) =>
        {
            var (status, problem) = await api.Book(booking with { Forwarder = booking.Forwarder ?? forwarder }, token);
            switch (status)
            {
                case HttpStatusCode.Created:
                    Interlocked.Increment(ref booked);
                    break;
                case HttpStatusCode.OK:
                    Interlocked.Increment(ref already);
                    break;
                default:
                    lock (refused)
                    {
                        refused.Add($"booking {booking.ShipmentId}: {(int)status} {problem}");
                    }

                    break;
            }
        });
        progress.Stop();
        return (booked, already, refused);
    }
}
