using NodaTime;
using NodaTime.Text;

namespace TransitGrains.TaxConsumer;

/// <summary>Prints the ledger as a table a person can read at the end of a run.</summary>
public static class LedgerReport
{
    // Local time in the offset the message carried: the port's own clock, as the contract intends.
    private static readonly OffsetDateTimePattern Time = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm o<+HH>");

    private static readonly string[] Headers =
        ["Shipment", "Declaration", "Exporter", "Status", "Eligible", "Deadline", "Exit confirmed", "Revoked"];

    public static void Write(RefundLedger ledger, TextWriter output)
    {
        var rows = ledger.Shipments
            .Select(entry => new[]
            {
                entry.Key,
                entry.Value.DeclarationNumber,
                entry.Value.ExporterTaxId,
                entry.Value.Status,
                Format(entry.Value.EligibleAt),
                Format(entry.Value.Deadline),
                Format(entry.Value.ExitConfirmedAt),
                entry.Value.RevokedAt is null ? "" : $"{Format(entry.Value.RevokedAt)} {entry.Value.RevocationReason}",
            })
            .ToList();

        var widths = Headers.Select((header, column) => rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        WriteRow(output, Headers, widths);
        WriteRow(output, widths.Select(width => new string('-', width)).ToArray(), widths);
        foreach (var row in rows)
        {
            WriteRow(output, row, widths);
        }

        output.WriteLine();
        output.WriteLine(
            $"triggered: {ledger.Triggered}  confirmed: {ledger.Confirmed}  revoked: {ledger.Revoked}  " +
            $"duplicates skipped: {ledger.DuplicatesSkipped}  poisoned: {ledger.Poisoned}");
    }

    private static string Format(OffsetDateTime? time) => time is { } value ? Time.Format(value) : "";

    private static void WriteRow(TextWriter output, string[] cells, int[] widths) =>
        output.WriteLine(string.Join("  ", cells.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
}
