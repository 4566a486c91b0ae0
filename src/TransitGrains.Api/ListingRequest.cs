using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime.Text;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

/// <summary>
/// The query of <c>GET /api/v1/shipments</c> (api.md 1.1, "Forwarders: list own shipments"), read and checked: every bad
/// parameter is named, and the request then does nothing. A cursor is where the previous page ended, opaque to clients.
/// </summary>
public static class ListingRequest
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static (ShipmentQuery Query, ValidationErrors Errors) Read(
        ApiCaller caller, string? status, string? limit, string? cursor, string? forwarder, string? container, IGrainFactory grains)
    {
        var errors = new ValidationErrors();

        ShipmentStatus? wanted = null;
        if (status is not null)
        {
            if (EnumText.TryParse<ShipmentStatus>(status, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("status", EnumText.Choices<ShipmentStatus>());
            }
        }

        if (!QueryLimit.TryRead(limit, DefaultLimit, MaxLimit, out var size))
        {
            errors.Add("limit", QueryLimit.Rule(DefaultLimit, MaxLimit));
        }

        ListingPosition? after = null;
        if (cursor is not null && (after = Position(cursor, grains)) is null)
        {
            errors.Add("cursor", "not a cursor this service gave out: pass nextCursor of the previous page as it is, or leave cursor out for the first page");
        }

        if (container is not null && !ContainerNumber.TryParse(container, out _, out var containerError))
        {
            errors.Add("container", containerError!);
        }

        string? whose = forwarder;
        if (caller.Role == ApiRole.Forwarder)
        {
            if (forwarder is not null && forwarder != caller.Forwarder)
            {
                errors.Add("forwarder", $"this key lists the shipments of {caller.Forwarder} only");
            }

            whose = caller.Forwarder;
        }
        else if (forwarder is not null && string.IsNullOrWhiteSpace(forwarder))
        {
            errors.Add("forwarder", "a forwarder code, or leave forwarder out for every forwarder's shipments");
        }

        return (new ShipmentQuery(whose, wanted, null, after, size), errors);
    }

    /// <summary>The cursor that starts the next page after <paramref name="position"/>.</summary>
    public static string Cursor(ListingPosition position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{InstantPattern.ExtendedIso.Format(position.BookedAt)} {position.Grain.Key}"));

    private static ListingPosition? Position(string cursor, IGrainFactory grains)
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        if (Base64Url.DecodeFromChars(cursor, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, written);
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && space < text.Length - 1 && InstantPattern.ExtendedIso.Parse(text[..space]) is { Success: true } bookedAt
            ? new ListingPosition(bookedAt.Value, grains.GetGrain<IShipmentGrain>(text[(space + 1)..]).GetGrainId())
            : null;
    }

    /// <summary>The parameters in the OpenAPI document as they are read: with their types, bounds and choices.</summary>
    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            (parameter.Description, parameter.Schema) = parameter.Name switch
            {
                "status" => ("Only shipments with this status.", new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = Enum.GetNames<ShipmentStatus>().Select(n => (JsonNode)JsonValue.Create(n)).ToList(),
                }),
                "cursor" => ("nextCursor of the previous page, as it was given; leave it out for the first page.", new OpenApiSchema { Type = JsonSchemaType.String }),
                "forwarder" => ("An admin key: only this forwarder's shipments. A forwarder key lists its own (it may name itself).",
                    new OpenApiSchema { Type = JsonSchemaType.String }),
                "container" => ("Only shipments this container (ISO 6346) was booked into.",
                    new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ContainerNumber.Pattern }),
                _ => (parameter.Description, parameter.Schema),
            };
        }

        return Task.CompletedTask;
    }
}
