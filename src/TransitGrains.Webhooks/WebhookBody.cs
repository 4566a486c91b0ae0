using System.Text.Encodings.Web;
using System.Text.Json;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Webhooks;

/// <summary>
/// The body of a delivery (api.md 1.1): <c>{ "type", "timestamp", "subscriptionId", "data": { "shipmentId", … } }</c>, with
/// <c>data</c> per type, named and written as the shipment is in the API (camelCase, enums as names, times with offsets).
/// </summary>
public static class WebhookBody
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static byte[] Render(ShipmentNotification notification, string subscriptionId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("type", notification.Type);
            Write(json, "timestamp", notification.Timestamp);
            json.WriteString("subscriptionId", subscriptionId);
            json.WriteStartObject("data");
            json.WriteString("shipmentId", notification.ShipmentId);
            switch (notification.Type)
            {
                case NotificationTypes.Event:
                    // The timeline entry's own properties, beside the shipment's id.
                    foreach (var property in JsonSerializer.SerializeToElement(notification.Event, Options).EnumerateObject())
                    {
                        property.WriteTo(json);
                    }

                    break;
                case NotificationTypes.StatusChanged:
                    Write(json, "status", notification.Status);
                    Write(json, "previousStatus", notification.PreviousStatus);
                    break;
                case NotificationTypes.EtaChanged:
                    Write(json, "eta", notification.Eta);
                    Write(json, "previousEta", notification.PreviousEta);
                    break;
                default:
                    Write(json, "taxRefund", notification.TaxRefund);
                    break;
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Write<T>(Utf8JsonWriter json, string name, T value)
    {
        json.WritePropertyName(name);
        JsonSerializer.Serialize(json, value, Options);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Written once and signed: '+' in an offset stays '+' (the default encoder escapes for HTML, which this is not).
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        ApiJsonConventions.Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
