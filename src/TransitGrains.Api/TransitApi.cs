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
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<UnreadableRequestHandler>();
        services.AddOpenApi("v1", ApiDocument.Configure);
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
}
