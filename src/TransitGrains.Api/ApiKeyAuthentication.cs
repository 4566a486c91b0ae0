using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TransitGrains.Api;

/// <summary>
/// Who a configured key is, as ASP.NET Core sees it: its role (<see cref="ClaimTypes.Role"/>), the name its reports are
/// recorded under (<see cref="ClaimTypes.Name"/>), the forwarder or locations it is bound to, the event types it may report,
/// and the key's hash, which names the key (its request budget) without revealing it. Every claim is made here, from the
/// key's entry.
/// </summary>
public sealed class ApiKeyIdentity : ClaimsIdentity
{
    public const string KeyHashClaim = "transit:key";
    public const string ForwarderClaim = "transit:forwarder";
    public const string LocationClaim = "transit:location";
    public const string EventTypeClaim = "transit:eventType";

    public ApiKeyIdentity(KnownKey key, string authenticationType)
        : base(ClaimsOf(key), authenticationType, ClaimTypes.Name, ClaimTypes.Role)
    {
        KeyHash = key.Hash;
        Caller = key.Caller;
    }

    public string KeyHash { get; }

    public ApiCaller Caller { get; }

    public static string RoleName(ApiRole role) => role.ToString().ToLowerInvariant();

    private static IEnumerable<Claim> ClaimsOf(KnownKey key)
    {
        yield return new Claim(KeyHashClaim, key.Hash);
        yield return new Claim(ClaimTypes.Role, RoleName(key.Caller.Role));
        yield return new Claim(ClaimTypes.Name, key.Caller.Name);
        if (key.Caller.Forwarder is { } forwarder)
        {
            yield return new Claim(ForwarderClaim, forwarder);
        }

        if (key.Caller.Role is not (ApiRole.Forwarder or ApiRole.Admin))
        {
            foreach (var location in key.Caller.Locations ?? new HashSet<string> { "*" })
            {
                yield return new Claim(LocationClaim, location);
            }
        }

        foreach (var type in key.Caller.EventTypes)
        {
            yield return new Claim(EventTypeClaim, type.ToString());
        }
    }
}

/// <summary>The <c>ApiKey</c> scheme: a request with a configured <c>X-Api-Key</c> is that key's caller.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRegistry keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[ApiKeyRegistry.Header].ToString();
        if (presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Resolve(presented) is { } key
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ApiKeyIdentity(key, Scheme.Name)), Scheme.Name))
            : AuthenticateResult.Fail("unknown API key"));
    }
}

/// <summary>One authorization policy per role, each admitting the roles that api.md lets through.</summary>
public static class ApiPolicies
{
    /// <summary>Shipments: forwarders and admins.</summary>
    public const string Forwarder = "forwarder";

    /// <summary>Events: port and customs systems and admins.</summary>
    public const string Port = "port";

    /// <summary>The dashboard: admins only.</summary>
    public const string Admin = "admin";

    /// <summary>Conveyances: forwarders, port systems and admins.</summary>
    public const string Conveyances = "conveyances";

    /// <summary>Reference data (place names): every key.</summary>
    public const string AnyKey = "any-key";

    /// <summary>The roles each policy admits: the one table to change when a role is added.</summary>
    private static readonly Dictionary<string, ApiRole[]> Admits = new(StringComparer.Ordinal)
    {
        [Forwarder] = [ApiRole.Forwarder, ApiRole.Admin],
        [Port] = [ApiRole.Port, ApiRole.Customs, ApiRole.Admin],
        [Admin] = [ApiRole.Admin],
        [Conveyances] = [ApiRole.Forwarder, ApiRole.Port, ApiRole.Admin],
        [AnyKey] = Enum.GetValues<ApiRole>(),
    };

    /// <summary>Whether every role passes the policy (so that it never answers 403).</summary>
    public static bool AdmitsEveryRole(string? policy) =>
        policy is not null && Admits.TryGetValue(policy, out var roles) && Enum.GetValues<ApiRole>().All(roles.Contains);

    public static void Add(AuthorizationOptions options)
    {
        foreach (var (name, roles) in Admits)
        {
            options.AddPolicy(name, policy => policy.RequireRole(roles.Select(ApiKeyIdentity.RoleName)));
        }
    }
}

/// <summary>Refusals as api.md wants them: 401 without a known key, 403 for a key without the right, both problem details.</summary>
public sealed class ApiAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context);
        }
        else if (authorizeResult.Challenged && DashboardSignIn.WantsSignInForm(context))
        {
            await DashboardSignIn.Form(StatusCodes.Status401Unauthorized, null).ExecuteAsync(context);
        }
        else if (authorizeResult.Challenged)
        {
            // RFC 9110: a 401 names how to authenticate.
            context.Response.Headers.WWWAuthenticate = $"{ApiKeyAuthenticationHandler.SchemeName} header=\"{ApiKeyRegistry.Header}\"";
            await Problems.Unauthorized().ExecuteAsync(context);
        }
        else
        {
            var needed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles).Distinct().ToList() ?? [];
            var role = context.User.FindFirst(ClaimTypes.Role)?.Value ?? "API";
            var roles = string.Join(" or ", needed);
            await Problems.Forbidden($"{Article(role, capital: true)} {role} key may not do this; it needs {Article(roles)} {roles} key.")
                .ExecuteAsync(context);
        }
    }

    private static string Article(string word, bool capital = false) =>
        word.Length > 0 && "aeiouAEIOU".Contains(word[0], StringComparison.Ordinal) ? (capital ? "An" : "an") : (capital ? "A" : "a");
}

public static class ApiCallers
{
    /// <summary>The caller of an endpoint that requires a key (its authorization policy has let it through).</summary>
    public static ApiCaller Caller(this HttpContext context) =>
        context.ApiKey()?.Caller ?? throw new InvalidOperationException("no API key caller: the endpoint must require one of ApiPolicies");

    /// <summary>The API key the request presented, once authenticated; null without a valid one.</summary>
    public static ApiKeyIdentity? ApiKey(this HttpContext context) => context.User.Identities.OfType<ApiKeyIdentity>().FirstOrDefault();
}
