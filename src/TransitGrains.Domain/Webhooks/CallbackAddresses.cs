using System.Net;

namespace TransitGrains.Domain.Webhooks;

/// <summary>
/// Where a callback may not go outside the Development environment (api.md 1.1): the service's own machine and the
/// networks around it, so that a subscription cannot make the service reach what only it can reach.
/// </summary>
public static class CallbackAddresses
{
    public const int MaxUrlLength = 2000;

    private static readonly (IPNetwork Network, string Kind)[] Refused =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified (this-network) address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fc00::/7"), "a private (unique local) address"),
        (IPNetwork.Parse("fec0::/10"), "a private (site-local) address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    /// <summary>Why a callback may not be delivered to <paramref name="address"/>, or null when it may.</summary>
    public static string? Refusal(IPAddress address)
    {
        // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address.
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return Refused.FirstOrDefault(r => r.Network.BaseAddress.AddressFamily == plain.AddressFamily && r.Network.Contains(plain)).Kind;
    }

    /// <summary>
    /// The callback URL as api.md 1.1 allows it: absolute <c>https</c> (also <c>http</c> where <paramref name="allowHttp"/>),
    /// with a host and without credentials; null when it is, else why not.
    /// </summary>
    public static string? UrlProblem(string? text, bool allowHttp, out Uri? url)
    {
        url = null;
        // A path alone is an absolute file URI to .NET on Unix: not what anyone means by a callback.
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.IsFile)
        {
            return "required: an absolute URL, e.g. https://example.com/transit-webhooks";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && !(allowHttp && parsed.Scheme == Uri.UriSchemeHttp))
        {
            return allowHttp ? "must be https or http" : "must be https (http only in the Development environment)";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return "must not carry credentials; the signature proves who is calling";
        }

        if (text.Length > MaxUrlLength)
        {
            return $"at most {MaxUrlLength} characters";
        }

        url = parsed;
        return null;
    }
}
