using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using NodaTime;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Api;

/// <summary>
/// The served OpenAPI document, complete enough for a client generator: the X-Api-Key security scheme on every
/// operation that needs a key, the 401/403/429 answers every such operation can give, the 503 of those that need the
/// store, request schemas that say what api.md allows (with its examples), and times as ISO-8601 strings.
/// </summary>
public static class ApiDocument
{
    public const string SecurityScheme = "ApiKey";
    private const string Problem = "ProblemDetails";

    public static void Configure(OpenApiOptions options, string contractNotes)
    {
        // Times are plain strings where they are used, not components a generator would take for objects.
        options.CreateSchemaReferenceId = type => IsTime(type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = "TransitGrains", Version = "1", Description = contractNotes };
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

            if (operation.OperationId == EdifactEndpoints.ReportOperation)
            {
                // The interchange is read from the body as text, so no parameter describes it.
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "One UN/EDIFACT interchange (UNA optional, UNB … UNZ), UTF-8.",
                    Content = EdifactEndpoints.MediaTypes.ToDictionary(t => t, _ => new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        Example = JsonValue.Create(EdifactEndpoints.Example),
                    }),
                };
            }

            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true
                && Examples.TryGetValue(operation.OperationId ?? "", out var example))
            {
                body.Example = JsonNode.Parse(example);
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
            else if (RequestSchemas.TryGetValue(type, out var describe))
            {
                describe(schema);
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

    private const string Code = "^[A-Z0-9_.-]+$";
    private const string UnLocode = "^[A-Z]{2}[A-Z2-9]{3}$";
    internal const string ContainerNumber = "^[A-Z]{3}[UJZ][0-9]{7}$";
    private static readonly string TypeChoices = $"^({string.Join("|", NotificationTypes.All.Select(Regex.Escape))})$";

    /// <summary>What api.md allows in each request type; the server checks the same and names every bad field.</summary>
    private static readonly Dictionary<Type, Action<OpenApiSchema>> RequestSchemas = new()
    {
        [typeof(BookingBody)] = schema => Describe(schema, ["shipmentId", "containers", "tradeMode", "legs"],
            ("shipmentId", Text("Unique; 3-40 of A-Z 0-9 - _ .", Code, ReferenceCode.ShipmentIdMinLength, ReferenceCode.ShipmentIdMaxLength)),
            ("forwarder", Text("The forwarder booked for: required with an admin key; a forwarder key books for its own.")),
            ("containers", Strings("1-500 ISO 6346 container numbers, no repeats; each in one active shipment at a time.", ContainerNumber, 1, BookingValidator.MaxContainers)),
            ("tradeMode", Choice("How the goods are exported.", typeof(TradeMode))))
            .Items("legs", "1-10 legs; each leg's from is the previous leg's to.", 1, BookingValidator.MaxLegs),
        [typeof(ExportDeclarationRequest)] = schema => Describe(schema, ["number", "exporterTaxId"],
            ("number", Text("The export declaration's number.")),
            ("exporterTaxId", Text("The exporter's tax id.")),
            ("dangerousGoods", new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Dangerous goods get no departure-port refund." })),
        [typeof(LegRequest)] = schema => Describe(schema, ["mode", "conveyanceId", "from", "to"],
            ("mode", Choice("The leg's mode.", typeof(TransportMode))),
            ("conveyanceId", Text("The train, barge, vessel or truck: 3-60 of A-Z 0-9 - _ .", Code, 3, 60)),
            ("from", Text("UN/LOCODE; the previous leg's to.", UnLocode)),
            ("to", Text("UN/LOCODE.", UnLocode)),
            ("plannedDeparture", Time("Optional.")),
            ("plannedArrival", Time("Optional; not before plannedDeparture."))),
        [typeof(EventBatch)] = schema => Describe(schema, ["events"]).Items("events", "1-1000 events, each answered in order.", 1, EventEndpoints.MaxBatch),
        [typeof(EventSubmission)] = schema => Describe(schema, ["eventId", "eventType", "eventCode", "eventDateTime", "location"],
            ("eventId", Text("1-100 characters; the same id again is a duplicate, whatever else it says.", minLength: 1, maxLength: 100)),
            ("eventType", Choice("TRANSPORT (a conveyance), EQUIPMENT (a container) or CUSTOMS; one the key may report (a port key: "
                + "TRANSPORT and EQUIPMENT unless configured otherwise, a customs key: CUSTOMS).", typeof(EventType))),
            ("eventCode", Choice("TRANSPORT: DEPA ARRI CROS; EQUIPMENT: GTIN GTOT LOAD DISC STUF STRP; CUSTOMS: CUSR CUSI CUSH CUSX.", typeof(EventCode))),
            ("classifier", Choice("ACT (actual, the default), EST (estimated) or PLN (planned).", typeof(EventClassifier))),
            ("eventDateTime", Time("At most 1 day in the future for ACT.")),
            ("location", Text("UN/LOCODE; a port or customs key may report only at its own locations.", UnLocode)),
            ("facility", Text("Optional: the terminal or yard.")),
            ("modeOfTransport", Choice("Needed by TRANSPORT events and LOAD/DISC.", typeof(TransportMode))),
            ("conveyanceId", Text("Needed by TRANSPORT events and LOAD/DISC.", Code, 3, 60)),
            ("containerNumber", Text("Needed by EQUIPMENT and CUSTOMS events (ISO 6346).", ContainerNumber)),
            ("declarationNumber", Text("Optional, CUSTOMS events.")),
            ("emptyIndicator", Choice("Optional, EQUIPMENT events: whether the container moved EMPTY or LADEN (DCSA's emptyIndicatorCode). "
                + "Not given: not known from the report; a container booked on a shipment counts as LADEN.", typeof(EmptyIndicator)))),
        [typeof(SubscriptionBody)] = schema => Describe(schema, ["callbackUrl"],
            ("callbackUrl", new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "uri",
                MaxLength = 2000,
                Description = "Absolute https URL (http too in the Development environment) where notifications are posted; outside "
                    + "Development its host may not be or resolve to a loopback, private, link-local or multicast address.",
            }),
            ("types", Strings("Notification types; all four when missing or empty.", TypeChoices, 0, NotificationTypes.All.Count)),
            ("shipmentIds", Strings("Only these shipments; any when missing or empty.", Code, 0, SubscriptionValidator.MaxFilterValues)),
            ("containers", Strings("Only notifications about these containers (an event's own container, else every container of its "
                + "shipment); any when missing or empty.", ContainerNumber, 0, SubscriptionValidator.MaxFilterValues)),
            ("eventCodes", Strings("Only notifications caused by events with these codes; any (including changes no event caused) when "
                + "missing or empty.", "^[A-Z]{4}$", 0, SubscriptionValidator.MaxFilterValues)),
            ("secret", Text($"Optional: {WebhookSecret.Rule}; generated when missing.", Secret))),
        [typeof(SecretBody)] = schema => Describe(schema, [],
            ("secret", Text($"Optional: {WebhookSecret.Rule}; generated when missing.", Secret))),
    };

    private const string Secret = "^whsec_[A-Za-z0-9+/]+={0,2}$";

    private static OpenApiSchema Describe(OpenApiSchema schema, string[] required, params (string Name, OpenApiSchema Schema)[] properties)
    {
        schema.Required = new HashSet<string>(required, StringComparer.Ordinal);
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, property) in properties)
        {
            schema.Properties[name] = property;
        }

        return schema;
    }

    /// <summary>Bounds an array property whose items the generator already described (as references to their type).</summary>
    private static void Items(this OpenApiSchema schema, string name, string description, int minItems, int maxItems)
    {
        if (schema.Properties is { } properties && properties.TryGetValue(name, out var property) && property is OpenApiSchema array)
        {
            array.Type = JsonSchemaType.Array;
            array.Description = description;
            array.MinItems = minItems;
            array.MaxItems = maxItems;
        }
    }

    private static OpenApiSchema Text(string description, string? pattern = null, int? minLength = null, int? maxLength = null) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Pattern = pattern,
        MinLength = minLength,
        MaxLength = maxLength,
    };

    private static OpenApiSchema Time(string description) => new()
    {
        Type = JsonSchemaType.String,
        Format = "date-time",
        Description = "ISO-8601 with an offset. " + description,
    };

    private static OpenApiSchema Choice(string description, Type values) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Enum = Enum.GetNames(values).Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
    };

    private static OpenApiSchema Strings(string description, string pattern, int minItems, int maxItems) => new()
    {
        Type = JsonSchemaType.Array,
        Description = description,
        Items = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern },
        MinItems = minItems,
        MaxItems = maxItems,
    };

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
