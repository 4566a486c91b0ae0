using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

/// <summary>A booking request as posted; an admin names the forwarder, a forwarder key implies it.</summary>
public sealed record BookingBody(
    [property: Required, Description("Unique; A-Z 0-9 - _ .")]
    [property: StringLength(ReferenceCode.ShipmentIdMaxLength, MinimumLength = ReferenceCode.ShipmentIdMinLength)]
    [property: RegularExpression(ReferenceCode.Pattern)]
    string? ShipmentId,
    [property: Description("The forwarder booked for: required with an admin key; a forwarder key books for its own.")] string? Forwarder,
    [property: Required, MinLength(1), MaxLength(BookingValidator.MaxContainers), EachMatches(ContainerNumber.Pattern)]
    [property: Description("ISO 6346 container numbers, no repeats; each in one active shipment at a time.")]
    IReadOnlyList<string?>? Containers,
    [property: Required, ChoiceOf(typeof(TradeMode)), Description("How the goods are exported.")] string? TradeMode,
    ExportDeclarationRequest? ExportDeclaration,
    [property: Required, MinLength(1), MaxLength(BookingValidator.MaxLegs), Description("Each leg's from is the previous leg's to.")]
    IReadOnlyList<LegRequest?>? Legs)
{
    public BookingRequest ToRequest() => new(ShipmentId, Containers, TradeMode, ExportDeclaration, Legs);
}

/// <summary>A page of shipment summaries (without timeline), newest booking first, and the cursor of the next page (null: none).</summary>
public sealed record ShipmentList(
    [property: Description("Shipment summaries (without timeline), newest booking first.")] IReadOnlyList<ShipmentView> Items,
    [property: Description("Pass as cursor= for the next page; null when this page is the last.")] string? NextCursor);

public static class ShipmentEndpoints
{
    public const string BookOperation = "BookShipment";

    public static void MapShipments(this IEndpointRouteBuilder api)
    {
        var shipments = api.MapGroup("/api/v1/shipments").WithTags("Shipments").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        shipments.MapPost("/", Book).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName(BookOperation)
            .WithSummary("Book a shipment")
            .WithDescription(
                "Books a shipment for the key's forwarder (an admin key names the forwarder). 201 with the shipment and its "
                + "Location; the same request again is 200 with the same shipment. The same shipmentId with another body is 409, "
                + "and so is a container that already belongs to another active shipment (conflictingShipmentId names it).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        shipments.MapGet("/{shipmentId}", Get).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName("GetShipment")
            .WithSummary("A shipment: where it is, when it arrives, customs, tax refund, timeline")
            .WithDescription(
                "The shipment with its legs, containers, ETA, customs and tax refund status and, unless timeline=false, every "
                + "accepted event that concerns it in eventDateTime order. Another forwarder's shipment is 404, as if it did not exist.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        shipments.MapGet("/", List).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName("ListShipments")
            .WithSummary("Shipments, newest booking first, a page at a time")
            .WithDescription(
                "Summaries without timeline, newest booking first: a forwarder key's own shipments, an admin key's of every "
                + "forwarder or (forwarder=) one. status, container and forwarder narrow the list and may be combined. nextCursor, "
                + "when not null, asks for the next page: cursors are opaque and stable, so paging while shipments are booked "
                + "neither skips nor repeats one (shipments booked meanwhile come before the first page, not on later ones). An item "
                + "shows the shipment as it is when read: one whose status changed between the query and the read is left out "
                + "of a page filtered by status. A bad status, limit, cursor, container or forwarder is 400 naming it.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithLimit(ListingRequest.DefaultLimit, ListingRequest.MaxLimit)
            .AddOpenApiOperationTransformer(ListingRequest.Describe);

        shipments.MapDelete("/{shipmentId}", Cancel).RequireAuthorization(ApiPolicies.Forwarder)
            .WithName("CancelShipment")
            .WithSummary("Cancel a shipment")
            .WithDescription(
                "Cancels the shipment (status CANCELLED, kept for the record) and frees its containers; a triggered refund is "
                + "revoked. A completed or already cancelled shipment is 409; another forwarder's is 404.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Created<ShipmentView>, Ok<ShipmentView>, ProblemHttpResult>> Book(
        [FromBody] BookingBody body, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var forwarder = caller.Role == ApiRole.Admin ? body.Forwarder : caller.Forwarder;
        var validated = BookingValidator.Validate(body.ToRequest(), forwarder ?? "");
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
            BookingOutcome.Created => TypedResults.Created($"/api/v1/shipments/{booking.ShipmentId}", result.Shipment),
            BookingOutcome.AlreadyBooked => TypedResults.Ok(result.Shipment),
            _ => Problems.Conflict(result.Detail!, new Dictionary<string, object?> { ["conflictingShipmentId"] = result.ConflictingShipmentId }),
        };
    }

    private static async Task<Results<Ok<ShipmentView>, ProblemHttpResult>> Get(
        string shipmentId, [Description("false leaves the timeline out")] bool? timeline, HttpContext http, IGrainFactory grains)
    {
        var view = await grains.GetGrain<IShipmentGrain>(shipmentId).GetView(timeline ?? true);
        return view is not null && http.Caller().Sees(view.Forwarder) ? TypedResults.Ok(view) : NoSuchShipment(shipmentId);
    }

    private static async Task<Results<Ok<ShipmentList>, ProblemHttpResult>> List(
        string? status, string? limit, string? cursor, string? forwarder, string? container,
        HttpContext http, IGrainFactory grains, IShipmentIndex index)
    {
        var (query, errors) = ListingRequest.Read(http.Caller(), status, limit, cursor, forwarder, container, grains);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors, $"The query has invalid parameters: {errors}.");
        }

        if (container is not null)
        {
            var booked = await grains.GetGrain<IContainerGrain>(container).Shipments();
            query = query with { Among = booked.Select(id => grains.GetGrain<IShipmentGrain>(id).GetGrainId()).ToList() };
        }

        var page = await index.PageAsync(query, http.RequestAborted);
        var views = await Task.WhenAll(page.Shipments.Select(id => grains.GetGrain<IShipmentGrain>(id).GetView(includeTimeline: false)));
        // Read after the query: a shipment whose status has just changed no longer belongs to a page of the old one.
        var items = views.OfType<ShipmentView>().Where(v => query.Status is null || v.Status == query.Status).ToList();
        return TypedResults.Ok(new ShipmentList(items, page.Next is { } next ? ListingRequest.Cursor(next) : null));
    }

    private static async Task<Results<Ok<ShipmentView>, ProblemHttpResult>> Cancel(string shipmentId, HttpContext http, IGrainFactory grains)
    {
        var shipment = grains.GetGrain<IShipmentGrain>(shipmentId);
        if (await shipment.Forwarder() is not { } forwarder || !http.Caller().Sees(forwarder))
        {
            return NoSuchShipment(shipmentId);
        }

        var result = await shipment.Cancel();
        return result.Outcome switch
        {
            CancellationOutcome.Cancelled => TypedResults.Ok(result.Shipment),
            CancellationOutcome.NotFound => NoSuchShipment(shipmentId),
            _ => Problems.Conflict(result.Detail!),
        };
    }

    // Another forwarder's shipment is answered exactly like a missing one, so that its existence is not revealed.
    private static ProblemHttpResult NoSuchShipment(string shipmentId) =>
        Problems.NotFound($"No shipment {shipmentId} is visible to this key.");
}
