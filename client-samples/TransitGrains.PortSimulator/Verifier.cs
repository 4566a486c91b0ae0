using NodaTime;

namespace TransitGrains.PortSimulator;

/// <summary>Reads every expected shipment and conveyance back from the API and lists each difference as a sentence.</summary>
public static class Verifier
{
    public static async Task<IReadOnlyList<string>> Check(TransitApi api, Expectations expected, int concurrency, Progress progress, CancellationToken ct)
    {
        var mismatches = new List<string>();
        var done = 0;
        var total = expected.Shipments.Count + (expected.Conveyances?.Count ?? 0);
        progress.Start("verified", total, () => (Volatile.Read(ref done), "shipments and conveyances read back"));
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = ct };
        await Parallel.ForEachAsync(expected.Shipments, options, async (e, token) =>
        {
            var found = Compare(e, await api.Shipment(e.ShipmentId, token)).ToList();
            Record(found);
        });
        await Parallel.ForEachAsync(expected.Conveyances ?? [], options, async (e, token) =>
        {
            Record(Compare(e, await api.Conveyance(e.Mode, e.ConveyanceId, token)).ToList());
        });
        progress.Stop();
        return mismatches;

        void Record(List<string> found)
        {
            lock (mismatches)
            {
                mismatches.AddRange(found);
            }

            Interlocked.Increment(ref done);
        }
    }

    public static IEnumerable<string> Compare(ShipmentExpectation e, ShipmentState? actual)
    {
        var who = $"shipment {e.ShipmentId}";
        if (actual is null)
        {
            yield return $"{who}: not found";
            yield break;
        }

        var checks = new List<string?>
        {
            Same(who, "status", e.Status, actual.Status),
            Same(who, "currentLeg", e.CurrentLeg, actual.CurrentLeg),
            SameTime(who, "eta", e.Eta, actual.Eta),
            Same(who, "customs.status", e.Customs?.Status, actual.Customs.Status),
            Same(who, "customs.location", e.Customs?.Location, actual.Customs.Location),
        };

        if (e.TaxRefund is { } refund)
        {
            var refundOf = actual.TaxRefund;
            checks.Add(Same(who, "taxRefund.status", refund.Status, refundOf.Status));
            checks.Add(Same(who, "taxRefund.departurePort", refund.DeparturePort, refundOf.DeparturePort));
            checks.Add(Same(who, "taxRefund.exitPort", refund.ExitPort, refundOf.ExitPort));
            checks.Add(SameTime(who, "taxRefund.deadline", refund.Deadline, refundOf.Deadline));
            checks.Add(Same(who, "taxRefund.triggers", Joined(refund.Triggers), Joined(refundOf.Triggers.Select(t => t.Kind).ToList())));
            checks.Add(Same(who, "taxRefund revocation reason", refund.Reason, refundOf.Triggers.FirstOrDefault(t => t.Kind == "REFUND_REVOKED")?.Reason));
        }

        if (e.Legs is { } legs)
        {
            checks.Add(Same(who, "number of legs", legs.Count, actual.Legs.Count));
            foreach (var (leg, i) in legs.Zip(actual.Legs).Select((pair, i) => (pair, i)))
            {
                checks.Add(Same(who, $"legs[{i}].status", leg.First.Status, leg.Second.Status));
                checks.Add(SameTime(who, $"legs[{i}].actualDeparture", leg.First.ActualDeparture, leg.Second.ActualDeparture));
                checks.Add(SameTime(who, $"legs[{i}].actualArrival", leg.First.ActualArrival, leg.Second.ActualArrival));
                checks.Add(Same(who, $"legs[{i}].transhippedTo", Joined(leg.First.TranshippedTo), Joined(leg.Second.TranshippedTo)));
            }
        }

        foreach (var container in actual.Containers)
        {
            var expected = e.Containers?.FirstOrDefault(c => c.ContainerNumber == container.ContainerNumber) ?? e.EveryContainer;
            var what = $"container {container.ContainerNumber}";
            checks.Add(Same(who, $"{what} status", expected?.Status, container.Status));
            checks.Add(Same(who, $"{what} location", expected?.Location, container.Location));
            checks.Add(Same(who, $"{what} conveyanceId", expected?.ConveyanceId, container.ConveyanceId));
        }

        foreach (var missing in e.Containers?.Where(c => actual.Containers.All(a => a.ContainerNumber != c.ContainerNumber)) ?? [])
        {
            checks.Add($"{who}: container {missing.ContainerNumber} is not on the shipment");
        }

        foreach (var check in checks.OfType<string>())
        {
            yield return check;
        }
    }

    public static IEnumerable<string> Compare(ConveyanceExpectation e, ConveyanceState? actual)
    {
        var who = $"{e.Mode} {e.ConveyanceId}";
        if (actual is null)
        {
            return [$"{who}: not found"];
        }

        return new[]
        {
            Same(who, "status", e.Status, actual.Status),
            Same(who, "lastLocation", e.LastLocation, actual.LastLocation),
            Same(who, "number aboard", e.AboardCount, actual.Aboard.Count),
            Same(who, "calls", Joined(e.Calls), Joined(actual.Calls.Select(c => $"{c.EventCode} {c.Location}").ToList())),
        }.OfType<string>();
    }

    /// <summary>Null when equal or not expected; else "who: what expected X, got Y".</summary>
    private static string? Same<T>(string who, string what, T? expected, T? actual) =>
        expected is null || Equals(expected, actual) ? null : $"{who}: {what} expected {expected}, got {actual?.ToString() ?? "null"}";

    private static string? Same(string who, string what, int? expected, int actual) =>
        expected is null || expected == actual ? null : $"{who}: {what} expected {expected}, got {actual}";

    /// <summary>Times are the same when they are the same instant; the offset they are written in may differ.</summary>
    private static string? SameTime(string who, string what, OffsetDateTime? expected, OffsetDateTime? actual) =>
        expected is null || expected.Value.ToInstant() == actual?.ToInstant() ? null
            : $"{who}: {what} expected {expected}, got {actual?.ToString() ?? "null"}";

    private static string? Joined(IReadOnlyList<string>? items) => items is null ? null : $"[{string.Join(", ", items)}]";
}
