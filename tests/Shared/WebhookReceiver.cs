using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TransitGrains.Testing;

/// <summary>How a receiver answers one delivery: a status, and optionally Retry-After, a redirect, or a wait before answering.</summary>
public sealed record ReceiverAnswer(int Status, string? RetryAfter = null, string? Location = null, TimeSpan? Delay = null);

/// <summary>One delivery as a receiver got it: where, the Standard Webhooks headers, the body as sent, and when.</summary>
public sealed record ReceivedWebhook(string Path, string WebhookId, string Timestamp, string Signature, byte[] Body, DateTimeOffset ReceivedAt)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string Type => (string)Json["type"]!;

    public JsonObject Data => Json["data"]!.AsObject();
}

/// <summary>
/// A webhook receiver on real Kestrel (loopback, http): records every delivery and answers each path as a test says
/// (204 unless told otherwise). Started on a port of the test's choosing, it can be down first and come up later.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Queue<ReceiverAnswer>> _answers = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        app.MapPost("/{path}", async (string path, HttpRequest request, HttpResponse response) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            Received.Enqueue(new ReceivedWebhook(path, request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(), body.ToArray(), DateTimeOffset.UtcNow));
            var answer = Next(path);
            if (answer.Delay is { } delay)
            {
                await Task.Delay(delay);
            }

            response.Headers.RetryAfter = answer.RetryAfter;
            response.Headers.Location = answer.Location;
            response.StatusCode = answer.Status;
        });
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(int? port = null)
    {
        var chosen = port ?? FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder([$"--urls=http://127.0.0.1:{chosen}"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var receiver = new WebhookReceiver(builder.Build(), chosen);
        await receiver._app.StartAsync();
        return receiver;
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>The next deliveries to <paramref name="path"/> are answered so, in turn; then with 204 again.</summary>
    public void Answer(string path, params ReceiverAnswer[] answers) => _answers[path] = new Queue<ReceiverAnswer>(answers);

    public IReadOnlyList<ReceivedWebhook> At(string path) => Received.Where(r => r.Path == path).ToList();

    /// <summary>Waits (polling) until <paramref name="done"/> holds for the deliveries to <paramref name="path"/>; answers them.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitFor(string path, Func<IReadOnlyList<ReceivedWebhook>, bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var received = At(path);
            if (done(received))
            {
                return received;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} received only: {string.Join(" | ", received.Select(r => Encoding.UTF8.GetString(r.Body)))}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private ReceiverAnswer Next(string path)
    {
        if (_answers.TryGetValue(path, out var queue))
        {
            lock (queue)
            {
                if (queue.Count > 0)
                {
                    return queue.Dequeue();
                }
            }
        }

        return new ReceiverAnswer(204);
    }
}

/// <summary>
/// A receiver's check of Standard Webhooks v1 signatures, written for the tests from the specification, apart from the
/// service's signer: HMAC-SHA256, keyed with the Base64 after <c>whsec_</c>, over <c>{id}.{timestamp}.{body}</c>.
/// </summary>
public static class StandardWebhooksCheck
{
    /// <summary>Which of <paramref name="secrets"/> made one of the space-separated <c>v1,</c> signatures of the header.</summary>
    public static IReadOnlyList<string> SignedBy(ReceivedWebhook webhook, params string[] secrets)
    {
        var signed = Encoding.UTF8.GetBytes($"{webhook.WebhookId}.{webhook.Timestamp}.").Concat(webhook.Body).ToArray();
        var presented = webhook.Signature.Split(' ')
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Select(s => Convert.FromBase64String(s["v1,".Length..]))
            .ToList();
        return secrets.Where(secret =>
        {
            using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
            var expected = hmac.ComputeHash(signed);
            return presented.Any(p => CryptographicOperations.FixedTimeEquals(p, expected));
        }).ToList();
    }
}
