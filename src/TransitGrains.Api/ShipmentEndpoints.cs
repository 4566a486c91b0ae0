using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

/// <summary>A booking request as posted; an admin names the forwarder, a forwarder key implies it.</summary>
public sealed record BookingBody(
    string? ShipmentId,
    string? Forwarder,
    IReadOnlyList<string?>? Containers,
    string? TradeMode,
    ExportDeclarationRequest? ExportDeclaration,
    IReadOnlyList<LegRequest?>? Legs)
{
    public BookingRequest ToRequest() => new(ShipmentId, Containers, TradeMode, ExportDeclaration, Legs);
}

public sealed record ShipmentList(IReadOnlyList<ShipmentView> Items);

public static class ShipmentEndpoints
{
    public const string BookOperation = "BookShipment";

    public static void MapShipments(this IEndpointRouteBuilder api)
    {
        var shipments = api.MapGroup("/api/v1/shipments").WithTags("Shipments");

        shipments.MapPost("/", Book).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName(BookOperation)
            .WithSummary("Book a shipment")
            .WithDescription(
                "Books a shipment for the key's forwarder (an admin key names the forwarder). 201 with the shipment and its "
                + "Location; the same request again is 200 with the same shipment. The same shipmentId with another body is 409, "
                + "and so is a container that already belongs to another active shipment (conflictingShipmentId names it).")
            .Accepts<BookingBody>("application/json")
            .Produces<ShipmentView>(StatusCodes.Status201Created)
            .Produces<ShipmentView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        shipments.MapGet("/{shipmentId}", Get).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName("GetShipment")
            .WithSummary("A shipment: where it is, when it arrives, customs, tax refund, timeline")
            .WithDescription(
                "The shipment with its legs, containers, ETA, customs and tax refund status and, unless timeline=false, every "
                + "accepted event that concerns it in eventDateTime order. Another forwarder's shipment is 404, as if it did not exist.")
            .Produces<ShipmentView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        shipments.MapGet("/", ListByContainer).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName("ListShipments")
            .WithSummary("Shipments a container was booked into, newest first")
            .WithDescription("Summaries without timeline; a forwarder key sees its own shipments only.")
            .Produces<ShipmentList>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        shipments.MapDelete("/{shipmentId}", Cancel).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName("CancelShipment")
            .WithSummary("Cancel a shipment")
            .WithDescription(
                "Cancels the shipment (status CANCELLED, kept for the record) and frees its containers; a triggered refund is "
                + "revoked. A completed or already cancelled shipment is 409; another forwarder's is 404.")
            .Produces<ShipmentView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> Book(HttpContext http, IGrainFactory grains)
    {
        var (body, problem) = await ApiJson.ReadAsync<BookingBody>(http.Request);
        if (problem is not null)
        {
            return problem;
        }

        var caller = http.Caller();
        var forwarder = caller.Role == ApiRole.Admin ? body!.Forwarder : caller.Forwarder;
        var validated = BookingValidator.Validate(body!.ToRequest(), forwarder ?? "");
        if (string.IsNullOrWhiteSpace(forwarder))
        {
            validated.Errors.Add("forwarder", "an admin key must name the forwarder the shipment is booked for");
        }
        else if (caller.Role == ApiRole.Forwarder && body.Forwarder is { } named && named != forwarder)
        {
            validated.Errors.Add("forwarder", $"this key books for {forwarder} only");
        }

        if (!validated.IsValid)
        {
            return Problems.Validation(validated.Errors);
        }

        var booking = validated.Value!;
        var result = await grains.GetGrain<IShipmentGrain>(booking.ShipmentId).Book(booking);
        if (result.Outcome == BookingOutcome.Created)
        {
            TransitMetrics.ShipmentBooked();
        }

        return result.Outcome switch
        {
            BookingOutcome.Created => Results.Created($"/api/v1/shipments/{booking.ShipmentId}", result.Shipment),
            BookingOutcome.AlreadyBooked => Results.Ok(result.Shipment),
            _ => Problems.Conflict(result.Detail!, new Dictionary<string, object?> { ["conflictingShipmentId"] = result.ConflictingShipmentId }),
        };
    }

    private static async Task<IResult> Get(
        string shipmentId, [Description("false leaves the timeline out")] bool? timeline, HttpContext http, IGrainFactory grains)
    {
        var view = await grains.GetGrain<IShipmentGrain>(shipmentId).GetView(timeline ?? true);
        return view is not null && http.Caller().Sees(view.Forwarder) ? Results.Ok(view) : NoSuchShipment(shipmentId);
    }

    private static async Task<IResult> ListByContainer(
        [Description("ISO 6346 container number")] string? container, HttpContext http, IGrainFactory grains)
    {
        if (!ContainerNumber.TryParse(container, out var number, out var error))
        {
            return Problems.Field("container", container is null ? "required: ?container={ISO 6346 container number}" : error!);
        }

        var caller = http.Caller();
        var ids = await grains.GetGrain<IContainerGrain>(number.Value).Shipments();
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IShipmentGrain>(id).GetView(includeTimeline: false)));
        var items = views.OfType<ShipmentView>().Where(v => caller.Sees(v.Forwarder)).OrderByDescending(v => v.BookedAt).ToList();
        return Results.Ok(new ShipmentList(items));
    }

    private static async Task<IResult> Cancel(string shipmentId, HttpContext http, IGrainFactory grains)
    {
        var shipment = grains.GetGrain<IShipmentGrain>(shipmentId);
        if (await shipment.Forwarder() is not { } forwarder || !http.Caller().Sees(forwarder))
        {
            return NoSuchShipment(shipmentId);
        }

        var result = await shipment.Cancel();
        return result.Outcome switch
        {
            CancellationOutcome.Cancelled => Results.Ok(result.Shipment),
            CancellationOutcome.NotFound => NoSuchShipment(shipmentId),
            _ => Problems.Conflict(result.Detail!),
        };
    }

    // Another forwarder's shipment is answered exactly like a missing one, so that its existence is not revealed.
    private static IResult NoSuchShipment(string shipmentId) =>
        Problems.NotFound($"No shipment {shipmentId} is visible to this key.");
}
