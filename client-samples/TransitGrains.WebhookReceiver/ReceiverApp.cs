using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace TransitGrains.WebhookReceiver;

/// <summary>The receiver: one endpoint, <see cref="Path"/>, that TransitGrains posts notifications to.</summary>
public static class ReceiverApp
{
    public const string DefaultUrl = "http://127.0.0.1:5090";
    public const string Path = "/webhooks";

    /// <summary>
    /// Configuration (appsettings.json, environment, <c>--key=value</c>): <c>WEBHOOK_SECRET</c>, the subscription's secret
    /// (while a rotation runs, the old and the new one, separated by a space); <c>Webhooks:ToleranceSeconds</c>, how far a
    /// delivery's timestamp may be from this machine's clock (default 300); <c>Webhooks:RememberHours</c>, how long a
    /// webhook-id is remembered to recognise a repeat (default 96, longer than the service retries); <c>--urls</c>.
    /// </summary>
    public static WebApplication Build(string[] args, TextWriter output, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var secrets = (builder.Configuration["WEBHOOK_SECRET"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (secrets.Length == 0)
        {
            throw new InvalidOperationException("Set WEBHOOK_SECRET to the secret the subscription was answered with (whsec_...).");
        }

        var clock = time ?? TimeProvider.System;
        var verifier = new WebhookVerifier(secrets, TimeSpan.FromSeconds(builder.Configuration.GetValue("Webhooks:ToleranceSeconds", 300)), clock);
        var seen = new SeenWebhooks(TimeSpan.FromHours(builder.Configuration.GetValue("Webhooks:RememberHours", 96)), clock);
        var printer = new NotificationPrinter(output);

        var app = builder.Build();
        app.MapPost(Path, async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var id = request.Headers["webhook-id"].ToString();
            if (verifier.Problem(id, request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body) is { } problem)
            {
                // Not from TransitGrains with our secret, or a replay: refused, and not handled.
                await output.WriteLineAsync($"refused {id}: {problem}");
                return Results.Problem(title: "Not accepted", detail: problem, statusCode: StatusCodes.Status401Unauthorized);
            }

            // Answered 2xx either way, so the service stops retrying; handled only the first time.
            if (seen.FirstTime(id))
            {
                printer.Print(id, body);
            }

            return Results.NoContent();
        });
        return app;
    }
}
