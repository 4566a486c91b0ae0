using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using TransitGrains.Api;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Api.Tests;

/// <summary>
/// <c>Transit:ApiKeys</c> as an operator writes it, read the way the silo reads it at start: plain keys and stored
/// SHA-256 hashes, what each key may do, and the entries that must stop the silo.
/// </summary>
public sealed class ApiKeyConfigurationTests
{
    // SHA-256 of "nansha-terminal-key" and of "forwarder-b-key", computed outside the project (sha256sum).
    private const string NanshaTerminalKeyHash = "97c6a692cab0b0b876cad8b32dd317c7079648e03545902a3da6a8ecdf64f929";
    private const string ForwarderBKeyHash = "4e3e8d54ace9b3bdac4826cef8e1f7217a22409fa64192220ff9312697e52ab8";

    private static readonly UnLocode Nansha = UnLocode.Parse("CNNSA");
    private static readonly UnLocode Shunde = UnLocode.Parse("CNSUD");

    /// <summary>A plain admin key, a hashed port key for Nansha, a hashed forwarder key (hex in upper case), a port key for everywhere.</summary>
    private static readonly Dictionary<string, string?> Mixed = new()
    {
        ["Transit:ApiKeys:0:key"] = "plain-admin-key",
        ["Transit:ApiKeys:0:role"] = "admin",
        ["Transit:ApiKeys:1:keyHash"] = NanshaTerminalKeyHash,
        ["Transit:ApiKeys:1:role"] = "port",
        ["Transit:ApiKeys:1:locations:0"] = "CNNSA",
        ["Transit:ApiKeys:2:keyHash"] = ForwarderBKeyHash.ToUpperInvariant(),
        ["Transit:ApiKeys:2:role"] = "forwarder",
        ["Transit:ApiKeys:2:forwarder"] = "FWD-B",
        ["Transit:ApiKeys:3:key"] = "plain-port-key",
        ["Transit:ApiKeys:3:role"] = "port",
        ["Transit:ApiKeys:3:locations:0"] = "*",
    };

    [Fact]
    public void A_keyHash_entry_admits_the_key_whose_SHA256_it_is_as_a_key_entry_admits_the_key()
    {
        var registry = Registry(Mixed);

        var admin = registry.Resolve("plain-admin-key")?.Caller;
        Assert.NotNull(admin);
        Assert.Equal((ApiRole.Admin, (string?)null, (IReadOnlySet<string>?)null), (admin.Role, admin.Forwarder, admin.Locations));

        var terminal = registry.Resolve("nansha-terminal-key")?.Caller;
        Assert.NotNull(terminal);
        Assert.Equal((ApiRole.Port, (string?)null), (terminal.Role, terminal.Forwarder));
        Assert.Equal(["CNNSA"], terminal.Locations!);

        var forwarder = registry.Resolve("forwarder-b-key")?.Caller;
        Assert.NotNull(forwarder);
        Assert.Equal((ApiRole.Forwarder, "FWD-B", (IReadOnlySet<string>?)null), (forwarder.Role, forwarder.Forwarder, forwarder.Locations));
    }

    [Fact]
    public void The_stored_hash_itself_sent_as_a_key_is_not_admitted()
    {
        var registry = Registry(Mixed);

        Assert.Null(registry.Resolve(NanshaTerminalKeyHash));
        Assert.Null(registry.Resolve(ForwarderBKeyHash));
    }

    [Fact]
    public void Keys_are_case_sensitive_while_hash_hex_and_role_names_are_not()
    {
        var registry = Registry(new Dictionary<string, string?>
        {
            ["Transit:ApiKeys:0:key"] = "Plain-Admin-Key",
            ["Transit:ApiKeys:0:role"] = "ADMIN",
            ["Transit:ApiKeys:1:keyHash"] = NanshaTerminalKeyHash.ToUpperInvariant(),
            ["Transit:ApiKeys:1:role"] = "Port",
            ["Transit:ApiKeys:1:locations:0"] = "*",
        });

        Assert.Equal(ApiRole.Admin, registry.Resolve("Plain-Admin-Key")?.Caller.Role);
        Assert.Null(registry.Resolve("plain-admin-key"));
        Assert.Null(registry.Resolve("PLAIN-ADMIN-KEY"));
        Assert.Equal(ApiRole.Port, registry.Resolve("nansha-terminal-key")?.Caller.Role);
        Assert.Null(registry.Resolve("NANSHA-TERMINAL-KEY"));
    }

    [Fact]
    public void A_resolved_key_is_named_by_its_SHA256_in_lower_case_which_finds_it_again()
    {
        var registry = Registry(Mixed);

        // Configured in upper case.
        var forwarder = registry.Resolve("forwarder-b-key")!;
        Assert.Equal(ForwarderBKeyHash, forwarder.Hash);
        Assert.Equal(forwarder, registry.Find(ForwarderBKeyHash));
        Assert.Equal(ApiKeyRegistry.Hash("plain-admin-key"), registry.Resolve("plain-admin-key")!.Hash);
        Assert.Null(registry.Find(ApiKeyRegistry.Hash("no-such-key")));
    }

    [Fact]
    public void No_key_an_empty_key_or_an_unknown_key_resolves_to_nobody()
    {
        var registry = Registry(Mixed);

        Assert.Null(registry.Resolve(null));
        Assert.Null(registry.Resolve(""));
        Assert.Null(registry.Resolve("no-such-key"));
        Assert.Null(registry.Resolve("plain-admin-key "));
    }

    [Fact]
    public void A_port_key_reports_at_its_locations_or_everywhere_with_a_star_and_admin_everywhere()
    {
        var registry = Registry(Mixed);
        var terminal = registry.Resolve("nansha-terminal-key")!.Caller;
        var everywhere = registry.Resolve("plain-port-key")!.Caller;
        var admin = registry.Resolve("plain-admin-key")!.Caller;

        Assert.Equal((true, false), (terminal.MayReportAt(Nansha), terminal.MayReportAt(Shunde)));
        Assert.Equal((true, true), (everywhere.MayReportAt(Nansha), everywhere.MayReportAt(Shunde)));
        Assert.Equal((true, true), (admin.MayReportAt(Nansha), admin.MayReportAt(Shunde)));
    }

    [Fact]
    public void A_forwarder_key_sees_its_own_forwarders_shipments_only()
    {
        var registry = Registry(Mixed);
        var forwarder = registry.Resolve("forwarder-b-key")!.Caller;
        var admin = registry.Resolve("plain-admin-key")!.Caller;

        Assert.Equal((true, false), (forwarder.Sees("FWD-B"), forwarder.Sees("FWD-DEMO")));
        Assert.Equal((true, true), (admin.Sees("FWD-B"), admin.Sees("FWD-DEMO")));
    }

    public static TheoryData<string, string?, string?, string?, string> BadEntries => new()
    {
        // key, keyHash, role, forwarder => what the error says
        { "neither key nor keyHash", null, null, "admin", "every entry needs 'key' or 'keyHash'" },
        { "an empty key", "", null, "admin", "every entry needs 'key' or 'keyHash'" },
        { "an unknown role", "some-key", null, "captain", "role 'captain' is not forwarder, port, customs or admin" },
        { "no role", "some-key", null, null, "role '' is not forwarder, port, customs or admin" },
        { "a forwarder key without its forwarder", null, ForwarderBKeyHash, "forwarder", "a forwarder key needs 'forwarder'" },
        { "a keyHash too short for a SHA-256", null, ForwarderBKeyHash[..32], "admin", "'keyHash' is the key's SHA-256: 64 hexadecimal characters" },
        { "a keyHash that is not hexadecimal", null, new string('g', 64), "admin", "'keyHash' is the key's SHA-256: 64 hexadecimal characters" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void An_entry_the_registry_cannot_use_stops_the_start_with_what_is_wrong(string what, string? key, string? keyHash, string? role, string error)
    {
        var entry = new Dictionary<string, string?>
        {
            ["Transit:ApiKeys:0:key"] = "plain-admin-key",
            ["Transit:ApiKeys:0:role"] = "admin",
            ["Transit:ApiKeys:1:key"] = key,
            ["Transit:ApiKeys:1:keyHash"] = keyHash,
            ["Transit:ApiKeys:1:role"] = role,
        };

        var refused = Assert.Throws<InvalidOperationException>(() => Registry(entry));

        Assert.True(refused.Message == $"Transit:ApiKeys: {error}", $"{what}: {refused.Message}");
    }

    /// <summary>The registry the API registers from this configuration, as at the silo's start.</summary>
    private static ApiKeyRegistry Registry(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var environment = new HostingEnvironment { EnvironmentName = Environments.Production };
        return new ServiceCollection().AddTransitApi(configuration, environment).BuildServiceProvider().GetRequiredService<ApiKeyRegistry>();
    }
}
