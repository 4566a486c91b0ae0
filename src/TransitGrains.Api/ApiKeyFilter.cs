using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TransitGrains.Api;

public static class ApiKeyFilter
{
    private const string CallerItem = "TransitGrains.ApiCaller";

    /// <summary>401 without a known key, 403 when the key's role is not among <paramref name="roles"/>.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, params ApiRole[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var caller = http.RequestServices.GetRequiredService<ApiKeyRegistry>().Resolve(http);
            if (caller is null)
            {
                return Problems.Unauthorized();
            }

            if (!roles.Contains(caller.Role))
            {
                return Problems.Forbidden(
                    $"A {caller.Role.ToString().ToLowerInvariant()} key may not do this; it needs a {string.Join(" or ", roles.Select(r => r.ToString().ToLowerInvariant()))} key.");
            }

            http.Items[CallerItem] = caller;
            return await next(context);
        });

    public static ApiCaller Caller(this HttpContext context) => (ApiCaller)context.Items[CallerItem]!;
}
