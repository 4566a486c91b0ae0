using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TransitGrains.WebhookReceiver;

/// <summary>
/// Checks a delivery as Standard Webhooks v1 says: <c>webhook-signature</c> holds one or more space-separated <c>v1,</c>
/// signatures, each the Base64 of HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c> keyed with the bytes of
/// a secret (the Base64 after <c>whsec_</c>); one made with one of our secrets is enough. The timestamp must be close
/// to now, so a delivery recorded by someone else cannot be played back later.
/// </summary>
public sealed class WebhookVerifier(IEnumerable<string> secrets, TimeSpan tolerance, TimeProvider time)
{
    private const string SecretPrefix = "whsec_";

    private readonly List<byte[]> _keys = secrets.Select(Key).ToList();

    /// <summary>Why the delivery is not to be trusted, or null when it is.</summary>
    public string? Problem(string? webhookId, string? timestamp, string? signatures, byte[] body)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return "webhook-id, webhook-timestamp and webhook-signature are required";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "webhook-timestamp is not a number of seconds";
        }

        var offBy = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (offBy.Duration() > tolerance)
        {
            return $"webhook-timestamp is {offBy.Duration().TotalSeconds:F0} s from now, more than {tolerance.TotalSeconds:F0} s";
        }

        var signed = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.").Concat(body).ToArray();
        var expected = _keys.Select(key => HMACSHA256.HashData(key, signed)).ToList();
        foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = signature.Split(',', 2);
            var mac = new byte[32];
            if (parts is ["v1", var base64] && Convert.TryFromBase64String(base64, mac, out var length) && length == mac.Length
                && expected.Any(e => CryptographicOperations.FixedTimeEquals(e, mac)))
            {
                return null;
            }
        }

        return "no signature made with our secret";
    }

    private static byte[] Key(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : throw new ArgumentException($"a secret starts with {SecretPrefix}: whsec_ and the Base64 of its bytes");
}
