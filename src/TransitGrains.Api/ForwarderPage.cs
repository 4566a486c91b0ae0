using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;

namespace TransitGrains.Api;

/// <summary>
/// api.md 1.1, "The forwarder web page": the static files of <c>Page/</c>, embedded in this assembly, served at <c>/</c>
/// (index.html) by the silo itself. Nothing is fetched from anywhere else: the page's policy lets scripts, styles,
/// connections and images come from this origin only, and no inline script or style runs.
/// </summary>
public static class ForwarderPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly IFileProvider Files = new ManifestEmbeddedFileProvider(typeof(ForwarderPage).Assembly, "Page");

    /// <summary>
    /// <c>/contract.js</c>: the page's bounds and choices, written from the constants the API's validators and its OpenAPI
    /// document use, so that the page cannot ask for more than the listing gives or offer a status it does not know.
    /// </summary>
    private static readonly string Contract = $$"""
        // Written by the service from the constants its validators use.
        export const PAGE = {{ListingRequest.DefaultLimit}};
        export const MAX_PAGE = {{ListingRequest.MaxLimit}};
        export const STATUSES = {{JsonSerializer.Serialize(Enum.GetNames<ShipmentStatus>())}};
        export const CONTAINER = new RegExp({{JsonSerializer.Serialize(ContainerNumber.Pattern)}});

        """;

    /// <summary>Before the API's middleware: the page's files need no key and draw on no request budget.</summary>
    public static IApplicationBuilder UseForwarderPage(this IApplicationBuilder app)
    {
        app.Map("/contract.js", contract => contract.Run(context =>
        {
            Protect(context.Response.Headers);
            context.Response.ContentType = "text/javascript; charset=utf-8";
            return context.Response.WriteAsync(Contract);
        }));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = Files });
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Files,
            OnPrepareResponse = context => Protect(context.Context.Response.Headers),
        });
    }

    private static void Protect(IHeaderDictionary headers)
    {
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (the files' ETag makes that cheap): a new silo's page is never mixed with an old script.
        headers[HeaderNames.CacheControl] = "no-cache";
    }
}
