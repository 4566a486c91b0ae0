using System.Text.Json;

namespace TransitGrains.WebhookReceiver;

/// <summary>Prints a notification as one line: what happened to which shipment. Replace it with your own handling.</summary>
public sealed class NotificationPrinter(TextWriter output)
{
    private readonly Lock _lock = new();

    public void Print(string webhookId, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var type = json.RootElement.GetProperty("type").GetString();
        var data = json.RootElement.GetProperty("data");
        string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var what = type switch
        {
            "shipment.event" => $"{Text(data, "eventCode")} at {Text(data, "location")} {Text(data, "eventDateTime")}"
                + (Text(data, "containerNumber") is { } container ? $" container {container}" : "")
                + (Text(data, "conveyanceId") is { } conveyance ? $" {Text(data, "modeOfTransport")} {conveyance}" : "")
                + $", reported by {Text(data, "reportedBy") ?? "-"}",
            "shipment.status_changed" => $"status {Text(data, "previousStatus")} -> {Text(data, "status")}",
            "shipment.eta_changed" => $"ETA {Text(data, "previousEta") ?? "-"} -> {Text(data, "eta") ?? "-"}",
            "shipment.tax_refund_changed" => Refund(data.GetProperty("taxRefund")),
            _ => data.GetRawText(),
        };

        lock (_lock)
        {
            output.WriteLine($"{webhookId}  {type,-27}  {Text(data, "shipmentId")}  {what}");
        }

        string Refund(JsonElement refund) =>
            $"tax refund {Text(refund, "status")} {Text(refund, "departurePort")} -> {Text(refund, "exitPort")}, deadline {Text(refund, "deadline") ?? "-"}, "
            + $"triggers {string.Join(", ", refund.GetProperty("triggers").EnumerateArray().Select(t => Text(t, "kind")))}";
    }
}
