using NodaTime;

namespace TransitGrains.ForwarderCli;

/// <summary>Plain-text views of a shipment: the full picture for <c>show</c>, one line per change for <c>watch</c>.</summary>
public static class ShipmentPrinter
{
    public static void Write(TextWriter output, Shipment s)
    {
        output.WriteLine($"{s.ShipmentId}  {s.Status}  (forwarder {s.Forwarder}, {s.TradeMode})");
        foreach (var (name, value) in Facts(s).Where(f => f.Key is "eta" or "customs" or "refund"))
        {
            output.WriteLine($"  {name,-9}{value}");
        }

        output.WriteLine();
        output.WriteLine($"Legs (current: {s.CurrentLeg})");
        Table.Write(output, ["#", "MODE", "CONVEYANCE", "FROM", "TO", "STATUS", "DEPARTURE", "ARRIVAL"],
            s.Legs.Select((leg, i) => new[]
            {
                i == s.CurrentLeg ? $">{i}" : $" {i}", leg.Mode, Conveyances(leg), leg.From, leg.To, leg.Status,
                Departure(leg), Arrival(leg),
            }));

        output.WriteLine();
        output.WriteLine("Containers");
        Table.Write(output, ["CONTAINER", "STATUS", "LOCATION", "ON"],
            s.Containers.Select(c => new[] { c.ContainerNumber, c.Status, c.Location ?? "-", c.ConveyanceId ?? "-" }));

        if (s.Timeline is { Count: > 0 } timeline)
        {
            output.WriteLine();
            output.WriteLine("Timeline (each time in the local time of its location)");
            Table.Write(output, TimelineHeader, timeline.Select(TimelineRow));
        }
    }

    public static readonly string[] TimelineHeader = ["TIME", "WHERE", "EVENT", "CONVEYANCE", "CONTAINER", "REPORTED BY"];

    public static string[] TimelineRow(TimelineEntry e) =>
    [
        LocalTimes.Format(e.EventDateTime),
        e.Location,
        e.Classifier == "ACT" ? e.EventCode : $"{e.EventCode} {e.Classifier}",
        e.ConveyanceId is null ? "-" : $"{e.ModeOfTransport} {e.ConveyanceId}",
        e.ContainerNumber ?? "-",
        e.ReportedBy ?? "-", // none for events recorded before the service kept reporters
    ];

    /// <summary>What a forwarder watches, by name; <c>watch</c> prints the ones whose value changed.</summary>
    public static IReadOnlyDictionary<string, string> Facts(Shipment s)
    {
        var last = s.Legs.Count > 0 ? s.Legs[^1].To : null;
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["status"] = s.Status,
            ["eta"] = $"{LocalTimes.Format(s.Eta)} at {last}",
            ["customs"] = s.Customs is { } c
                ? $"{c.Status}{(c.Location is null ? "" : $" at {c.Location}")}{(c.ReleasedAt is null ? "" : $", {LocalTimes.Format(c.ReleasedAt)}")}"
                : "-",
            ["refund"] = Refund(s.TaxRefund),
        };
        for (var i = 0; i < s.Legs.Count; i++)
        {
            facts[$"leg {i}"] = $"{s.Legs[i].Status} ({s.Legs[i].Mode} {Conveyances(s.Legs[i])})";
        }

        foreach (var container in s.Containers)
        {
            facts[$"container {container.ContainerNumber}"] = container.ConveyanceId is { } on
                ? $"{container.Status} on {on} (last seen {container.Location})"
                : $"{container.Status}{(container.Location is null ? "" : $" at {container.Location}")}";
        }

        return facts;
    }

    private static string Refund(TaxRefund? refund)
    {
        if (refund is null || refund.Status == "NOT_APPLICABLE")
        {
            return refund?.Status ?? "-";
        }

        var route = refund.DeparturePort is null ? "" : $" {refund.DeparturePort} -> {refund.ExitPort}";
        var deadline = refund.Deadline is null ? "" : $", exit deadline {LocalTimes.Format(refund.Deadline)}";
        var triggers = refund.Triggers is { Count: > 0 } sent
            ? "; triggers: " + string.Join(", ", sent.Select(t =>
                $"{t.Kind}{(t.Reason is null ? "" : $" ({t.Reason})")}{(t.DeliveredAt is null ? " (not yet delivered)" : "")}"))
            : "";
        return refund.Status + route + deadline + triggers;
    }

    private static string Conveyances(Leg leg) =>
        leg.TranshippedTo is { Count: > 0 } onward ? $"{leg.ConveyanceId} -> {string.Join(" -> ", onward)}" : leg.ConveyanceId;

    // The best time known, marked: act(ual), est(imated), or pl(an)ned.
    private static string Departure(Leg leg) => Best(leg.ActualDeparture, leg.EstimatedDeparture, leg.PlannedDeparture);

    private static string Arrival(Leg leg) => Best(leg.ActualArrival, leg.EstimatedArrival, leg.PlannedArrival);

    private static string Best(OffsetDateTime? actual, OffsetDateTime? estimated, OffsetDateTime? planned) =>
        actual is not null ? $"{LocalTimes.Format(actual)} act"
        : estimated is not null ? $"{LocalTimes.Format(estimated)} est"
        : planned is not null ? $"{LocalTimes.Format(planned)} pln"
        : "-";
}

/// <summary>Left-aligned columns, as wide as their widest cell.</summary>
public static class Table
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine("  " + string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
