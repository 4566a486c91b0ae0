// Built and run by GeneratedClientTests, next to the C# client that Kiota generated from the served OpenAPI document
// (namespace Transit.Client): a forwarder books a shipment, a port system reports the container's release, its loading
// on the barge and the barge's departure, and the forwarder reads the shipment back, each through the generated client
// alone.
// Arguments: base URL, forwarder key, port key, shipment id, container, barge, vessel, release, loading and departure time.
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Transit.Client;
using Transit.Client.Models;

var (baseUrl, forwarderKey, portKey) = (args[0], args[1], args[2]);
var (shipmentId, container, barge, vessel) = (args[3], args[4], args[5], args[6]);
var (releasedAt, loadedAt, departedAt) = (DateTimeOffset.Parse(args[7]), DateTimeOffset.Parse(args[8]), DateTimeOffset.Parse(args[9]));

var forwarder = Connect(forwarderKey);
var port = Connect(portKey);

var booked = await forwarder.Api.V1.Shipments.PostAsync(new BookingBody
{
    ShipmentId = shipmentId,
    Containers = [container],
    TradeMode = BookingBody_tradeMode.GENERAL,
    ExportDeclaration = new ExportDeclarationRequest { Number = "530120201000012345", ExporterTaxId = "91440600MA4WXXXX1X", DangerousGoods = false },
    Legs =
    [
        new LegRequest { Mode = LegRequest_mode.BARGE, ConveyanceId = barge, From = "CNSUD", To = "CNNSA" },
        new LegRequest { Mode = LegRequest_mode.VESSEL, ConveyanceId = vessel, From = "CNNSA", To = "NLRTM" },
    ],
});
Expect(booked?.Status == ShipmentStatus.BOOKED && booked.Forwarder is { Length: > 0 }, $"booked: {booked?.Status}");

var answer = await port.Api.V1.Events.PostAsync(new EventBatch
{
    Events =
    [
        new EventSubmission
        {
            EventId = $"{shipmentId}-CUSR", EventType = EventSubmission_eventType.CUSTOMS, EventCode = EventSubmission_eventCode.CUSR,
            EventDateTime = releasedAt, Location = "CNSUD", ContainerNumber = container,
        },
        new EventSubmission
        {
            EventId = $"{shipmentId}-LOAD", EventType = EventSubmission_eventType.EQUIPMENT, EventCode = EventSubmission_eventCode.LOAD,
            EventDateTime = loadedAt, Location = "CNSUD", ModeOfTransport = EventSubmission_modeOfTransport.BARGE, ConveyanceId = barge,
            ContainerNumber = container,
        },
        new EventSubmission
        {
            EventId = $"{shipmentId}-DEPA", EventType = EventSubmission_eventType.TRANSPORT, EventCode = EventSubmission_eventCode.DEPA,
            Classifier = EventSubmission_classifier.ACT, EventDateTime = departedAt, Location = "CNSUD",
            ModeOfTransport = EventSubmission_modeOfTransport.BARGE, ConveyanceId = barge,
        },
    ],
});
var statuses = answer?.Results?.Select(r => r.Status).ToList() ?? [];
Expect(statuses.Count == 3 && statuses.All(s => s == EventResultStatus.ACCEPTED), $"events: {string.Join(", ", statuses)}");

var shipment = await forwarder.Api.V1.Shipments[shipmentId].GetAsync(request => request.QueryParameters.Timeline = true);
Expect(shipment?.Status == ShipmentStatus.IN_TRANSIT, $"status: {shipment?.Status}");
Expect(shipment!.Customs?.Status == CustomsStatus.RELEASED, $"customs: {shipment.Customs?.Status}");
Expect(shipment.TaxRefund?.Status == TaxRefundStatus.TRIGGERED, $"tax refund: {shipment.TaxRefund?.Status}");
Expect(shipment.Legs?[0].ActualDeparture == departedAt, $"departure: {shipment.Legs?[0].ActualDeparture}");
Expect(shipment.Timeline?.Count == 3, $"timeline: {shipment.Timeline?.Count}");
var reporters = shipment.Timeline!.Select(e => e.ReportedBy).Distinct().ToList();
Expect(reporters is [{ Length: > 0 }], $"reporters: {string.Join(", ", reporters)}");

// Refusals arrive as the problem details the document describes.
try
{
    await port.Api.V1.Shipments[shipmentId].GetAsync();
    Expect(false, "a port key read a shipment");
}
catch (ProblemDetails problem)
{
    Expect(problem.ResponseStatusCode == 403 && problem.Detail is { Length: > 0 }, $"refusal: {problem.ResponseStatusCode} {problem.Detail}");
}

Console.WriteLine($"round trip OK: {shipmentId} {shipment.Status}, customs {shipment.Customs.Status}, refund {shipment.TaxRefund.Status}, reported by {reporters[0]}");
return 0;

TransitClient Connect(string key) =>
    new(new HttpClientRequestAdapter(new ApiKeyHeader(key)) { BaseUrl = baseUrl });

static void Expect(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException($"unexpected {what}");
    }
}

/// <summary>
/// Sends the key as X-Api-Key. (Kiota's own ApiKeyAuthenticationProvider does the same but only over HTTPS, which a real
/// client should use; the test service listens on plain HTTP on the loopback.)
/// </summary>
internal sealed class ApiKeyHeader(string key) : IAuthenticationProvider
{
    public Task AuthenticateRequestAsync(
        RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        request.Headers.Add("X-Api-Key", key);
        return Task.CompletedTask;
    }
}
