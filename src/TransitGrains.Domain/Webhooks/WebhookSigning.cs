using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Orleans;

namespace TransitGrains.Domain.Webhooks;

/// <summary>A subscription's signing secret as Standard Webhooks writes it: <c>whsec_</c> and the key's Base64.</summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinBytes = 24;
    public const int MaxBytes = 64;

    public const string Rule = "whsec_ followed by the Base64 of 24-64 random bytes";

    /// <summary>The shape <see cref="Rule"/> describes, as a regular expression (its length is checked when read).</summary>
    public const string Pattern = "^whsec_[A-Za-z0-9+/]+={0,2}$";

    public static bool TryParse(string? text, out byte[] key)
    {
        key = [];
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var base64 = text[Prefix.Length..];
        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var length) || length is < MinBytes or > MaxBytes)
        {
            return false;
        }

        key = buffer[..length];
        return true;
    }

    public static string Format(byte[] key) => Prefix + Convert.ToBase64String(key);
}

/// <summary>
/// A key that signs a subscription's deliveries: the current one (<see cref="RetiresAt"/> null), or one replaced by a
/// rotation, which goes on signing beside it until <see cref="RetiresAt"/>. <see cref="Sealed"/> is the key as it is
/// stored: sealed with the service's key ring, never the key's own bytes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SigningKey([property: Id(0)] byte[] Sealed, [property: Id(1)] Instant? RetiresAt)
{
    /// <summary>How long a replaced secret goes on signing (api.md 1.1): receivers have a day to take up the new one.</summary>
    public static readonly Duration RotationOverlap = Duration.FromHours(24);

    public bool SignsAt(Instant now) => RetiresAt is not { } retires || now < retires;
}

/// <summary>The <c>webhook-signature</c> of Standard Webhooks v1: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>.</summary>
public static class WebhookSignature
{
    /// <summary>One signature per key, <c>v1,</c> and the Base64 of the MAC, separated by spaces.</summary>
    public static string Header(IEnumerable<byte[]> keys, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return string.Join(' ', keys.Select(key => "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed))));
    }
}
