using System.Security.Cryptography;
using System.Text;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

public enum ApiRole
{
    Forwarder,
    Port,
    Customs,
    Admin,
}

/// <summary>
/// One entry of <c>Transit:ApiKeys</c>: the key itself or its SHA-256 (hex), a role, what it is bound to, the name it is
/// shown by, and the event types it may report.
/// </summary>
public sealed class ApiKeyOptions
{
    public string? Key { get; set; }
    public string? KeyHash { get; set; }
    public string Role { get; set; } = "";
    public string? Name { get; set; }
    public string? Forwarder { get; set; }
    public List<string> Locations { get; init; } = [];
    public List<string> EventTypes { get; init; } = [];
}

/// <summary>
/// Who is calling: a forwarder (bound to its code), a port or customs system (bound to locations, or all), or an admin;
/// by the name its reports are recorded under, and the event types it may report.
/// </summary>
public sealed record ApiCaller(ApiRole Role, string Name, string? Forwarder, IReadOnlySet<string>? Locations, IReadOnlySet<EventType> EventTypes)
{
    public bool MayReportAt(UnLocode location) => Role == ApiRole.Admin || Locations is null || Locations.Contains(location.Value);

    public bool MayReport(EventType type) => EventTypes.Contains(type);

    /// <summary>Forwarders see only their own shipments; everyone else with access sees all.</summary>
    public bool Sees(string? forwarder) => Role != ApiRole.Forwarder || Forwarder == forwarder;
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

    /// <summary>
    /// What a role reports when its entry names no <c>eventTypes</c>: a terminal reports its moves, not customs decisions,
    /// since a customs release can trigger a tax refund.
    /// </summary>
    private static readonly Dictionary<ApiRole, EventType[]> DefaultEventTypes = new()
    {
        [ApiRole.Forwarder] = [],
        [ApiRole.Port] = [EventType.TRANSPORT, EventType.EQUIPMENT],
        [ApiRole.Customs] = [EventType.CUSTOMS],
        [ApiRole.Admin] = Enum.GetValues<EventType>(),
    };

    private readonly Dictionary<string, ApiCaller> _byHash = new(StringComparer.OrdinalIgnoreCase);
    private readonly (byte[] Hash, string Hex)[] _hashes;

    public ApiKeyRegistry(IEnumerable<ApiKeyOptions> keys)
    {
        foreach (var key in keys)
        {
            var hash = key.KeyHash ?? (key.Key is { Length: > 0 } k ? Hash(k) : null)
                ?? throw Invalid("every entry needs 'key' or 'keyHash'");
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
            {
                throw Invalid("'keyHash' is the key's SHA-256: 64 hexadecimal characters");
            }

            if (!Enum.TryParse<ApiRole>(key.Role, ignoreCase: true, out var role))
            {
                throw Invalid($"role '{key.Role}' is not forwarder, port, customs or admin");
            }

            if (role == ApiRole.Forwarder && string.IsNullOrWhiteSpace(key.Forwarder))
            {
                throw Invalid("a forwarder key needs 'forwarder'");
            }

            // Keys need not be unique by name: a rotated key may keep the name of the one it replaces.
            var name = key.Name is null ? hash[..8].ToLowerInvariant()
                : !string.IsNullOrWhiteSpace(key.Name) ? key.Name.Trim()
                : throw Invalid("'name', when given, may not be blank");

            // Port and customs keys report at their locations ("*": everywhere); a customs key lists none to mean everywhere.
            var locations = role switch
            {
                ApiRole.Port or ApiRole.Customs when key.Locations.Contains("*") => null,
                ApiRole.Customs when key.Locations.Count == 0 => null,
                ApiRole.Port or ApiRole.Customs => key.Locations.ToHashSet(StringComparer.Ordinal),
                _ => null,
            };
            _byHash[hash] = new ApiCaller(role, name, role == ApiRole.Forwarder ? key.Forwarder : null, locations, EventTypesOf(role, key.EventTypes, name));
        }

        _hashes = _byHash.Keys.Select(hex => (Convert.FromHexString(hex), hex.ToLowerInvariant())).ToArray();
    }

    private static HashSet<EventType> EventTypesOf(ApiRole role, List<string> configured, string name)
    {
        if (configured.Count == 0)
        {
            return [.. DefaultEventTypes[role]];
        }

        var types = new HashSet<EventType>();
        foreach (var text in configured)
        {
            types.Add(EnumText.TryParse<EventType>(text, out var type)
                ? type
                : throw Invalid($"key '{name}': eventTypes '{text}' is not {EnumText.Choices<EventType>()}"));
        }

        return role switch
        {
            ApiRole.Port => types,
            ApiRole.Customs when types.SetEquals([EventType.CUSTOMS]) => types,
            ApiRole.Customs => throw Invalid($"key '{name}': a customs key reports CUSTOMS events only"),
            _ => throw Invalid($"key '{name}': eventTypes is for port and customs keys (an admin key reports every type, a forwarder key none)"),
        };
    }

    private static InvalidOperationException Invalid(string problem) => new($"Transit:ApiKeys: {problem}");

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
}
