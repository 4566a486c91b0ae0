using System.Security.Cryptography;
using System.Text;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Api;

public enum ApiRole
{
    Forwarder,
    Port,
    Admin,
}

/// <summary>One entry of <c>Transit:ApiKeys</c>: the key itself or its SHA-256 (hex), a role, and what it is bound to.</summary>
public sealed class ApiKeyOptions
{
    public string? Key { get; set; }
    public string? KeyHash { get; set; }
    public string Role { get; set; } = "";
    public string? Forwarder { get; set; }
    public List<string> Locations { get; init; } = [];
}

/// <summary>Who is calling: a forwarder (bound to its code), a port system (bound to locations, or all), or an admin.</summary>
public sealed record ApiCaller(ApiRole Role, string? Forwarder, IReadOnlySet<string>? Locations)
{
    public bool MayReportAt(UnLocode location) => Role == ApiRole.Admin || Locations is null || Locations.Contains(location.Value);

    /// <summary>Forwarders see only their own shipments; everyone else with access sees all.</summary>
    public bool Sees(string forwarder) => Role != ApiRole.Forwarder || Forwarder == forwarder;
}

/// <summary>A configured key that a request presented: its SHA-256 (hex), which names it without revealing it, and its caller.</summary>
public sealed record KnownKey(string Hash, ApiCaller Caller);

/// <summary>
/// Resolves an <c>X-Api-Key</c>. Keys are compared by their SHA-256, so stored hashes work the same as keys, and in
/// constant time against every configured hash, so how long a lookup takes says nothing about which bytes matched.
/// </summary>
public sealed class ApiKeyRegistry
{
    public const string Header = "X-Api-Key";

    private readonly Dictionary<string, ApiCaller> _byHash = new(StringComparer.OrdinalIgnoreCase);
    private readonly (byte[] Hash, string Hex)[] _hashes;

    public ApiKeyRegistry(IEnumerable<ApiKeyOptions> keys)
    {
        foreach (var key in keys)
        {
            var hash = key.KeyHash ?? (key.Key is { Length: > 0 } k ? Hash(k) : null)
                ?? throw new InvalidOperationException("Transit:ApiKeys: every entry needs 'key' or 'keyHash'");
            if (!Enum.TryParse<ApiRole>(key.Role, ignoreCase: true, out var role))
            {
                throw new InvalidOperationException($"Transit:ApiKeys: role '{key.Role}' is not forwarder, port or admin");
            }

            if (role == ApiRole.Forwarder && string.IsNullOrWhiteSpace(key.Forwarder))
            {
                throw new InvalidOperationException("Transit:ApiKeys: a forwarder key needs 'forwarder'");
            }

            var locations = role == ApiRole.Port && !key.Locations.Contains("*")
                ? key.Locations.ToHashSet(StringComparer.Ordinal)
                : null;
            _byHash[hash] = new ApiCaller(role, role == ApiRole.Forwarder ? key.Forwarder : null, locations);
        }

        _hashes = _byHash.Keys.Select(hex => (HashBytes(hex), hex.ToLowerInvariant())).ToArray();
    }

    /// <summary>The configured key <paramref name="key"/> is, or null.</summary>
    public KnownKey? Resolve(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        string? match = null;
        foreach (var (hash, hex) in _hashes)
        {
            // Every hash is compared, also after a match.
            if (CryptographicOperations.FixedTimeEquals(presented, hash))
            {
                match = hex;
            }
        }

        return match is null ? null : new KnownKey(match, _byHash[match]);
    }

    /// <summary>The key with this SHA-256 (hex), while it is still configured.</summary>
    public KnownKey? Find(string hash) => _byHash.TryGetValue(hash, out var caller) ? new KnownKey(hash.ToLowerInvariant(), caller) : null;

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static byte[] HashBytes(string hex) =>
        hex.Length == 2 * SHA256.HashSizeInBytes && hex.All(char.IsAsciiHexDigit)
            ? Convert.FromHexString(hex)
            : throw new InvalidOperationException($"Transit:ApiKeys: keyHash '{hex}' is not a SHA-256 in hex ({2 * SHA256.HashSizeInBytes} characters)");
}
