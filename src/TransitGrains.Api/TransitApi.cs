using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using TransitGrains.Abstractions;

namespace TransitGrains.Api;

public static class TransitApi
{
    public const string ReadyTag = "ready";

    /// <summary>How a request says who it is: its X-Api-Key, or under /dashboard the sign-in cookie.</summary>
    private const string CallerScheme = "Caller";

    public static IServiceCollection AddTransitApi(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var keys = configuration.GetSection("Transit:ApiKeys").Get<List<ApiKeyOptions>>() ?? [];
        services.AddSingleton(new ApiKeyRegistry(keys));
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, "X-Api-Key, or the dashboard's sign-in cookie", o => o.ForwardDefaultSelector = context =>
                DashboardSignIn.UsesCookie(context) ? DashboardSignIn.CookieScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddDashboardCookie();
        services.AddAuthorization(ApiPolicies.Add);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResults>();
        services.AddTransitRateLimits(configuration, environment.IsDevelopment());
        services.Configure<JsonOptions>(o => ApiJsonConventions.Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<StoreUnavailableHandler>();
        services.AddHealthChecks();
        services.AddOpenApi("v1", o => ApiDocument.Configure(o, ContractNotes));
        return services;
    }

    /// <summary>Who is calling (the API key), then whether it is within its request budget, then whether it may.</summary>
    public static void UseTransitApi(this IApplicationBuilder app)
    {
        app.UseRouting();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }

    public static void MapTransitApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        // Probes are not rate limited: an orchestrator asking often must not make the service look down.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteHealth,
        }).DisableRateLimiting();
        app.MapShipments();
        app.MapEvents();
        app.MapEdifact();
        app.MapConveyances();
        app.MapLocations();
        app.MapSubscriptions();
    }

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
    }

    /// <summary>How this service reads the places where the v1 contract is silent.</summary>
    private const string ContractNotes = """
        Multimodal transit tracking: China-Europe rail, Pearl River one-port barges into Nansha, ocean vessels.
        Authenticate with the X-Api-Key header. Where the v1 contract is silent, this service does the following:
        - A port key reporting at a location outside its own: that event is REJECTED (the rest of the batch is processed).
        - Who may report what: a port key without eventTypes reports TRANSPORT and EQUIPMENT, a customs key CUSTOMS only (at its
          locations, all when it lists none), an admin key every type; an event of another type is REJECTED, its error
          naming the types the key may report. A customs key may not read conveyances (GET is for admin, forwarder, port).
        - reportedBy on a timeline entry is the name of the key whose report was recorded: for a duplicate, the first report's.
          A key's name defaults to the first 8 hexadecimal characters of its SHA-256. Events recorded before reporters were
          kept have reportedBy null.
        - Duplicate eventIds inside one batch: the first is processed, the others are DUPLICATE.
        - Shipment status IN_TRANSIT starts with the first ACT event; EST and PLN events only move expected and planned times.
        - ETA: the last leg's actual arrival, else its latest EST (most recently received), else its planned arrival shifted by
          the latest positive delay (actual or estimated minus planned) seen on this or an earlier leg. Legs show such shifted
          times as estimatedDeparture/estimatedArrival. The shipment view adds etaHistory: each change of the ETA and its cause.
        - Customs status of a shipment is the most restrictive of its containers' latest customs events (REVOKED, HELD,
          INSPECTION); RELEASED once every container is released.
        - A container discharged or gated out at the last leg's destination is DELIVERED; a container mid-route that is gated
          out is AT_FACILITY at that location.
        - Rail transhipment at a gauge break: a container loaded mid-leg onto another conveyance of the leg's mode continues
          that leg on it; the leg lists it in transhippedTo and the container shows the new conveyanceId.
        - The departure-port refund applies to the leg of a mode its notice lists: a BARGE leg under a waterway notice, a RAIL
          leg (rail customs transfer) under a rail notice; the rules for the barge apply to that train.
        - EXIT_CONFIRMED carries the onward vessel's conveyanceId; REFUND_ELIGIBLE and REFUND_REVOKED carry the barge's (or train's).
        - Every container aboard at the DEPA means a reported LOAD: a container only counted aboard because the conveyance
          left (no LOAD) does not make REFUND_ELIGIBLE due. A CUSH/CUSI after the departure does not take back the release.
        - Late exit reports (Transit:TaxRefund:ExitReportGrace, default 3 days): the exit counts as reported when the last of
          its events (the vessel's DEPA, each container's LOAD) was received.
        - GET /api/v1/conveyances/{mode}/{id}: an invalid mode or id is 400; unknown is 404.
        - Times in their place's zone: every time that belongs to a location (event times, legs' planned, estimated and
          actual departures at 'from' and arrivals at 'to', the ETA and etaHistory at the last leg's 'to', customs releasedAt,
          conveyance calls and lastEventDateTime, and the refund trigger's releasedAt, departedAt and exitedAt) is the instant
          reported, shown in that location's IANA tzdb zone at that instant (summer time included), whatever offset the
          reporter used. The zone comes from the service's UN/LOCODE table: the location's own entry, else its country's
          where the country keeps one clock. A location the table cannot place keeps the offset it was reported with.
          An etaHistory entry that changed only the offset, not the instant, is not shown.
        - The refund deadline is in China time (Asia/Shanghai). Instants the service itself stamps (receivedAt, issuedAt,
          deliveredAt, bookedAt, changedAt) are in UTC ("Z").
        - Limits: a request without a valid key is counted against its client address's anonymous budget before it is
          answered 401; a key's request is counted against its own budget before its role is checked (so 429 comes before
          403). Retry-After is whole seconds, at least 1. /health/* and /metrics are not limited. A customs key draws on
          the port budget (Transit:RateLimits:port).
        - Faults (1.1): while the store cannot be reached (or the cluster is forming), a request that needs it is 503 with
          Retry-After (5 s) and nothing in it is acknowledged; sending the same request again is safe (stored events are then
          DUPLICATE). A shipment the silo holds in memory is still read, as last stored.
        - Keys may be configured by their SHA-256 (keyHash, hex in either case); a key is compared with every configured hash.
        - GET /api/v1/shipments (1.1): the shipments' items are read after the page's query, so each shows the shipment as it
          is then, and one whose status changed in between is left out of a page filtered by status (a page may then hold
          fewer than limit items while nextCursor is not null). Shipments booked at the same instant are ordered by their
          id. A forwarder key may name its own forwarder and no other (400); container= with a forwarder key lists its own
          shipments among those the container was booked into.
        - Webhooks: a forwarder key's subscription sees that forwarder's shipments, an admin key's every shipment; a forwarder
          lists, reads, rotates and deletes its own only (another's is 404), an admin every one. Subscriptions show their
          forwarder (null for an admin's). DELETE answers 204. A rotation may give the new secret ({"secret": "whsec_..."}) or
          have one generated; a secret replaced by a rotation signs for 24 hours after it (two rotations within a day: each
          replaced secret for its own 24 hours). A callbackUrl may not carry credentials (user:password@).
        - Notifications start with the booking: it is what later changes are compared with. A write makes, in this order, one
          shipment.event per event it accepted (in eventDateTime order), then shipment.status_changed, shipment.eta_changed
          and shipment.tax_refund_changed where these changed. The refund changes when its status, ports or deadline change
          or a trigger is issued (not when a trigger reaches the tax queue). data carries shipmentId; for shipment.event the
          timeline entry's fields beside it. The body's timestamp is when the change was recorded (UTC); webhook-timestamp is
          the attempt's.
        - Filters: containers matches an event's own container, and for the other types (and transport events) any container
          of the shipment; eventCodes matches the codes of the events that caused the notification, so a change no event
          caused (a cancellation, the refund deadline passing) passes only subscriptions without eventCodes.
        - webhook-id is "msg_" and 32 hexadecimal characters, the same on every retry, different per subscription. A 3xx is
          a failure (no redirect is followed). Retry-After (seconds or an HTTP date) on 429 or 503 puts the next attempt no
          sooner than it says, but no later than the longest configured retry delay after the attempt. A delivery log entry
          also names its shipmentId; each subscription keeps its latest 200 attempts. The first attempt is made at once.
        - A subscription made, disabled or deleted reaches every silo before the API answers (a silo that could not be reached
          then takes it within 30 seconds).
        """;
}
