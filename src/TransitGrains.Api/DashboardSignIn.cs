using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace TransitGrains.Api;

/// <summary>
/// Who may open the Orleans dashboard at <c>/dashboard</c> (which the silo maps): admins only. A program sends an admin <c>X-Api-Key</c>; a person's
/// browser, which cannot add that header to the dashboard's own requests, signs in once with a small form that
/// exchanges an admin key for a cookie: HttpOnly (no script reads it), Secure (sent over HTTPS only; browsers treat
/// localhost as secure), SameSite=Strict (no other site's page can make the browser send it), scoped to /dashboard
/// (it never authenticates an API call) and gone when the browser closes. The cookie names the key by its hash and is
/// checked against the configured keys on every request, so removing the key from configuration ends the sign-in.
/// </summary>
public static class DashboardSignIn
{
    public const string Path = "/dashboard";
    public const string SignInPath = Path + "/sign-in";
    public const string SignOutPath = Path + "/sign-out";
    public const string CookieScheme = "DashboardCookie";
    public const string KeyField = "apiKey";

    public static AuthenticationBuilder AddDashboardCookie(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(CookieScheme, options =>
        {
            options.Cookie.Name = "transit-dashboard";
            options.Cookie.Path = Path;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = context =>
            {
                var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRegistry>();
                var hash = context.Principal?.FindFirst(ApiKeyIdentity.KeyHashClaim)?.Value;
                if (hash is not null && keys.Find(hash) is { Caller.Role: ApiRole.Admin } key)
                {
                    context.ReplacePrincipal(new ClaimsPrincipal(new ApiKeyIdentity(key, CookieScheme)));
                }
                else
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            };
        });

    /// <summary>The cookie is read only under /dashboard and only when no key is sent; elsewhere a request is its X-Api-Key.</summary>
    public static bool UsesCookie(HttpContext context) =>
        context.Request.Path.StartsWithSegments(Path) && !context.Request.Headers.ContainsKey(ApiKeyRegistry.Header);

    /// <summary>A browser asking for a dashboard page without credentials gets the sign-in form (status 401) instead of a problem.</summary>
    public static bool WantsSignInForm(HttpContext context) =>
        UsesCookie(context) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The sign-in form and sign-out; the dashboard itself is mapped by the host under <see cref="Path"/>, for <see cref="ApiPolicies.Admin"/>.</summary>
    public static void MapDashboardSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInPath, () => Form(StatusCodes.Status200OK, null)).ExcludeFromDescription();
        app.MapPost(SignInPath, SignIn).ExcludeFromDescription();
        app.MapPost(SignOutPath, async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieScheme);
            return SeeOther(SignInPath);
        }).ExcludeFromDescription();
    }

    public static IResult Form(int status, string? message)
    {
        var notice = message is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(message)}</p>";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>TransitGrains: Orleans dashboard sign-in</title></head>
            <body>
            <h1>Orleans dashboard</h1>
            <p>Sign in with an admin API key. The key is exchanged for a cookie that this browser keeps until it closes.</p>
            {notice}
            <form method="post" action="{SignInPath}">
            <label for="{KeyField}">API key</label>
            <input id="{KeyField}" name="{KeyField}" type="password" autocomplete="off" required>
            <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return new SignInPage(html, status);
    }

    private static async Task<IResult> SignIn(HttpContext context, ApiKeyRegistry keys)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        if (keys.Resolve(form?[KeyField].ToString()) is not { Caller.Role: ApiRole.Admin } key)
        {
            return Form(StatusCodes.Status401Unauthorized, "That is not an admin API key.");
        }

        await context.SignInAsync(CookieScheme, new ClaimsPrincipal(new ApiKeyIdentity(key, CookieScheme)), new AuthenticationProperties { IsPersistent = false });
        return SeeOther(Path + "/");
    }

    private static IResult SeeOther(string location) => new SeeOtherResult(location);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    /// <summary>The form, which runs no script and loads nothing, with a policy that says so.</summary>
    private sealed class SignInPage(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.ContentSecurityPolicy = "default-src 'none'; form-action 'self'; frame-ancestors 'none'";
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            return httpContext.Response.WriteAsync(html);
        }
    }
}
