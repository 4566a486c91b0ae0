using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using NodaTime;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

/// <summary>
/// What the OpenAPI document generated from the endpoints cannot say by itself: the X-Api-Key security scheme on every
/// operation that needs a key, the 401/403/429 answers its middleware gives, the Retry-After of 429 and 503, api.md's
/// examples, times as ISO-8601 strings, and the shapes of request text fields (<see cref="ChoiceOfAttribute"/>,
/// <see cref="EachMatchesAttribute"/>, <see cref="DateTimeTextAttribute"/>, and the required ones).
/// </summary>
public static class ApiDocument
{
    public const string SecurityScheme = "ApiKey";
    private const string Problem = "ProblemDetails";

    /// <summary>How the service reads the places where the contract is silent (ContractNotes.md), as the document's description.</summary>
    private static readonly string ContractNotes = ReadContractNotes();

    public static void Configure(OpenApiOptions options)
    {
        // Times are plain strings where they are used, not components a generator would take for objects.
        options.CreateSchemaReferenceId = type => IsTime(type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = "TransitGrains", Version = "1", Description = ContractNotes };
            // Servers are named as requested, without the trailing slash that would double every path's.
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyRegistry.Header,
                Description = "An API key of role forwarder (bound to one forwarder), port or customs (bound to UN/LOCODEs or all; "
                    + "port reports TRANSPORT and EQUIPMENT events unless configured otherwise, customs CUSTOMS events) or admin.",
            };
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description = TagDescriptions.GetValueOrDefault(tag.Name ?? "");
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
            operation.Responses ??= new OpenApiResponses();
            if (policies.Count > 0)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [] }];
                operation.Responses["401"] = ProblemResponse("No X-Api-Key, or one that is not configured.", context.Document);
                if (!policies.All(ApiPolicies.AdmitsEveryRole))
                {
                    operation.Responses["403"] = ProblemResponse("The key's role may not do this.", context.Document);
                }
            }

            if (!metadata.OfType<DisableRateLimitingAttribute>().Any())
            {
                operation.Responses["429"] = RetryLater(
                    "Over the key's (or, without a valid key, the client address's) request budget; nothing was done.",
                    "Seconds to wait before the budget has room again.",
                    context.Document);
            }

            if (operation.Responses.ContainsKey("503"))
            {
                operation.Responses["503"] = RetryLater(
                    "The store is unavailable (its database cannot be reached, or the cluster is still forming); nothing in the "
                        + "request was acknowledged. Send the same request again after Retry-After.",
                    "Seconds to wait before sending the same request again.",
                    context.Document);
            }

            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
            {
                // An optional body is one that may be left out (required: false), not one that may be JSON null.
                if (operation.RequestBody.Required != true
                    && body.Schema is OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var type] })
                {
                    body.Schema = type;
                }

                if (Examples.TryGetValue(operation.OperationId ?? "", out var example))
                {
                    body.Example = JsonNode.Parse(example);
                }
            }

            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (IsTime(type))
            {
                schema.Type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is null
                    ? JsonSchemaType.String
                    : JsonSchemaType.String | JsonSchemaType.Null;
                schema.Format = "date-time";
                schema.Description = "ISO-8601 with an offset";
            }
            else if (type.IsEnum)
            {
                // An enum that appears only as an optional value would list null among its values; where it is used,
                // the property already allows null (oneOf null or the enum).
                schema.Type = JsonSchemaType.String;
                schema.Enum = schema.Enum?.Where(value => value is not null).ToList();
            }
            else if (schema.Type is { } both && both.HasFlag(JsonSchemaType.Integer) && both.HasFlag(JsonSchemaType.String))
            {
                // Numbers are written as numbers; that a number in a string would also be read is no promise.
                schema.Type = both & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            else if (context.JsonPropertyInfo?.AttributeProvider is { } property)
            {
                DescribeText(schema, property);
            }

            if (schema.Properties is { Count: > 0 })
            {
                Require(schema, context.JsonTypeInfo);
            }

            return Task.CompletedTask;
        });
    }

    private static bool IsTime(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(Instant) || t == typeof(OffsetDateTime));

    /// <summary>A problem answer whose request may be sent again after the seconds its Retry-After header says.</summary>
    private static OpenApiResponse RetryLater(string description, string retryAfter, OpenApiDocument? document)
    {
        var response = ProblemResponse(description, document);
        response.Headers = new Dictionary<string, IOpenApiHeader>
        {
            ["Retry-After"] = new OpenApiHeader
            {
                Description = retryAfter,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            },
        };
        return response;
    }

    private static OpenApiResponse ProblemResponse(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(Problem, document) },
        },
    };

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Shipments"] = "Forwarders book shipments and follow them: legs, containers, ETA, customs and the tax refund.",
        ["Events"] = "Port, terminal, rail and customs systems report what happened, in batches, with retries and duplicates.",
        ["Conveyances"] = "Trains, barges, vessels and trucks: their calls and who is aboard.",
        ["Locations"] = "The places the service knows by name, in English and Simplified Chinese.",
        ["Webhooks"] = "Push instead of polling: signed notifications (Standard Webhooks v1) of shipment events, status, ETA and "
            + "tax refund changes, delivered at least once, in order per subscription and shipment, with retries.",
    };

    /// <summary>A request text field's shape, from the attributes on its declaration.</summary>
    private static void DescribeText(OpenApiSchema schema, ICustomAttributeProvider property)
    {
        var target = schema.Type is { } type && type.HasFlag(JsonSchemaType.Array) ? schema.Items as OpenApiSchema : schema;
        if (target is null)
        {
            return;
        }

        foreach (var attribute in property.GetCustomAttributes(inherit: false))
        {
            switch (attribute)
            {
                case ChoiceOfAttribute choice:
                    target.Enum = choice.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
                    break;
                case EachMatchesAttribute each:
                    target.Pattern = each.Pattern;
                    break;
                case DateTimeTextAttribute:
                    schema.Format = "date-time";
                    schema.Description = $"ISO-8601 with an offset. {schema.Description}".TrimEnd();
                    break;
            }
        }
    }

    /// <summary>
    /// A request record (one that declares its wire rules with validation attributes) requires exactly its properties
    /// marked <see cref="RequiredAttribute"/>: its fields are nullable text so that the validator names a missing one, and
    /// the generator would otherwise take every constructor parameter as required.
    /// </summary>
    private static void Require(OpenApiSchema schema, JsonTypeInfo type)
    {
        var declared = type.Properties.Select(p => p.AttributeProvider).OfType<ICustomAttributeProvider>().ToList();
        if (declared.Any(p => p.IsDefined(typeof(ValidationAttribute), inherit: false)))
        {
            schema.Required = type.Properties
                .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: false) == true)
                .Select(p => p.Name)
                .ToHashSet(StringComparer.Ordinal);
        }
    }

    private static string ReadContractNotes()
    {
        using var stream = typeof(ApiDocument).Assembly.GetManifestResourceStream("ContractNotes.md")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>api.md's own examples, by operation.</summary>
    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        [ShipmentEndpoints.BookOperation] = """
            {
              "shipmentId": "GZ21-000123",
              "containers": ["CSQU3054383"],
              "tradeMode": "GENERAL",
              "exportDeclaration": { "number": "530120201000012345", "exporterTaxId": "91440600MA4WXXXX1X", "dangerousGoods": false },
              "legs": [
                { "mode": "BARGE",  "conveyanceId": "SUIGANG903-2011A", "from": "CNSUD", "to": "CNNSA",
                  "plannedDeparture": "2020-11-30T09:00:00+08:00", "plannedArrival": "2020-11-30T17:00:00+08:00" },
                { "mode": "VESSEL", "conveyanceId": "COSCOPRIDE-047W",  "from": "CNNSA", "to": "NLRTM",
                  "plannedDeparture": "2020-12-02T22:00:00+08:00", "plannedArrival": "2021-01-08T06:00:00+01:00" }
              ]
            }
            """,
        [EventEndpoints.ReportOperation] = """
            { "events": [
              { "eventId": "SDE-20201130-0001", "eventType": "EQUIPMENT", "eventCode": "LOAD", "classifier": "ACT",
                "eventDateTime": "2020-11-30T08:55:00+08:00", "location": "CNSUD", "facility": "BJT",
                "modeOfTransport": "BARGE", "conveyanceId": "SUIGANG903-2011A", "containerNumber": "CSQU3054383" }
            ] }
            """,
        [SubscriptionEndpoints.CreateOperation] = """
            { "callbackUrl": "https://forwarder.example.com/transit-webhooks",
              "types": ["shipment.event", "shipment.status_changed", "shipment.eta_changed", "shipment.tax_refund_changed"],
              "shipmentIds": ["GZ21-000123"], "containers": ["CSQU3054383"], "eventCodes": ["DEPA", "ARRI"] }
            """,
        [SubscriptionEndpoints.RotateOperation] = """
            { "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
            """,
    };
}
