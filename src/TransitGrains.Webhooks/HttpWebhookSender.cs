using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Webhooks;

/// <summary>
/// Posts a notification as Standard Webhooks (v1) has it: the JSON body, <c>webhook-id</c>, <c>webhook-timestamp</c> (this
/// attempt's Unix seconds) and <c>webhook-signature</c>. A 2xx status within <see cref="Timeout"/> delivers; redirects
/// are not followed (a 3xx is a failure: the subscriber should give the new URL); connections go through the
/// <see cref="CallbackGuard"/>. The subscription's keys come sealed; each is opened for the signature only, and wiped
/// once it is made.
/// </summary>
public sealed class HttpWebhookSender : IWebhookSender, IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly ProductInfoHeaderValue Agent = new("TransitGrains-Webhooks", "1");

    private readonly HttpClient _http;
    private readonly ISigningKeySeal _seal;
    private readonly ILogger<HttpWebhookSender> _logger;

    public HttpWebhookSender(CallbackGuard guard, ISigningKeySeal seal, ILogger<HttpWebhookSender> logger)
        : this(guard, seal, logger, Timeout)
    {
    }

    /// <param name="timeout">How long a receiver has to answer; <see cref="Timeout"/> but in tests.</param>
    public HttpWebhookSender(CallbackGuard guard, ISigningKeySeal seal, ILogger<HttpWebhookSender> logger, TimeSpan timeout)
    {
        _seal = seal;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = guard.ConnectAsync,
            // Connections are renewed now and then, so a callback's name is resolved (and checked) again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        {
            Timeout = timeout,
        };
    }

    public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken ct)
    {
        var body = WebhookBody.Render(request.Notification, request.SubscriptionId);
        var timestamp = request.AttemptedAt.ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, request.CallbackUrl) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = Json;
        message.Headers.UserAgent.Add(Agent);
        message.Headers.Add("webhook-id", request.WebhookId);
        message.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add("webhook-signature", Signature(request, timestamp, body));
        try
        {
            // The status is the answer: the body is not waited for.
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return new WebhookResponse(status, RetryAfter(response.Headers.RetryAfter, request.AttemptedAt),
                WebhookRetrySchedule.Classify(status) == WebhookAnswer.Delivered ? null : $"answered {status} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var error = ex switch
            {
                TaskCanceledException => $"no answer within {_http.Timeout.TotalSeconds:F0} s",
                { InnerException: CallbackRefusedException refused } => refused.Message,
                _ => ex.GetBaseException().Message,
            };
            _logger.LogDebug(ex, "Webhook {WebhookId} to {Url} failed: {Error}", request.WebhookId, request.CallbackUrl, error);
            return new WebhookResponse(null, null, error);
        }
    }

    public void Dispose() => _http.Dispose();

    private string Signature(WebhookRequest request, long timestamp, byte[] body)
    {
        var keys = request.SealedKeys.Select(_seal.Open).ToList();
        try
        {
            return WebhookSignature.Header(keys, request.WebhookId, timestamp, body);
        }
        finally
        {
            keys.ForEach(key => CryptographicOperations.ZeroMemory(key));
        }
    }

    private static Duration? RetryAfter(RetryConditionHeaderValue? header, Instant attemptedAt) => header switch
    {
        { Delta: { } delta } => Duration.FromTimeSpan(delta),
        { Date: { } date } => Instant.FromDateTimeOffset(date) - attemptedAt,
        _ => null,
    };
}
