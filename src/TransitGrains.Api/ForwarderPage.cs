using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

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

    /// <summary>Before the API's middleware: the page's files need no key and draw on no request budget.</summary>
    public static IApplicationBuilder UseForwarderPage(this IApplicationBuilder app)
    {
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = Files });
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Revalidated on every load (the ETag makes that cheap): a new silo's page is never mixed with an old script.
                headers[HeaderNames.CacheControl] = "no-cache";
            },
        });
    }
}
