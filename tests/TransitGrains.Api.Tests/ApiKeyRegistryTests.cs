using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Api.Tests;

/// <summary>How <c>Transit:ApiKeys</c> entries are read: names, event types per role, and entries that stop the silo.</summary>
public sealed class ApiKeyRegistryTests
{
    private static ApiCaller Caller(ApiKeyOptions entry, string key = "the-key") =>
        new ApiKeyRegistry([entry]).Resolve(key)?.Caller ?? throw new InvalidOperationException("key not resolved");

    private static EventType[] Types(ApiCaller caller) => Enum.GetValues<EventType>().Where(caller.MayReport).ToArray();

    [Fact]
    public void A_port_key_without_eventTypes_reports_transport_and_equipment_at_its_locations()
    {
        var port = Caller(new ApiKeyOptions { Key = "the-key", Role = "port", Locations = ["CNSUD"] });

        Assert.Equal([EventType.TRANSPORT, EventType.EQUIPMENT], Types(port));
        Assert.True(port.MayReportAt(UnLocode.Parse("CNSUD")));
        Assert.False(port.MayReportAt(UnLocode.Parse("CNNSA")));
    }

    [Fact]
    public void A_port_key_with_eventTypes_reports_those()
    {
        var port = Caller(new ApiKeyOptions { Key = "the-key", Role = "port", Locations = ["*"], EventTypes = ["CUSTOMS", "TRANSPORT"] });

        Assert.Equal([EventType.TRANSPORT, EventType.CUSTOMS], Types(port));
    }

    [Fact]
    public void A_customs_key_reports_customs_only_everywhere_unless_bound_to_locations()
    {
        var everywhere = Caller(new ApiKeyOptions { Key = "the-key", Role = "customs" });
        var shunde = Caller(new ApiKeyOptions { Key = "the-key", Role = "customs", Locations = ["CNSUD"], EventTypes = ["CUSTOMS"] });

        Assert.Equal([EventType.CUSTOMS], Types(everywhere));
        Assert.True(everywhere.MayReportAt(UnLocode.Parse("RUMOW")));
        Assert.Equal([EventType.CUSTOMS], Types(shunde));
        Assert.False(shunde.MayReportAt(UnLocode.Parse("CNNSA")));
    }

    [Fact]
    public void An_admin_reports_every_type_and_a_forwarder_none()
    {
        Assert.Equal(Enum.GetValues<EventType>(), Types(Caller(new ApiKeyOptions { Key = "the-key", Role = "admin" })));
        Assert.Empty(Types(Caller(new ApiKeyOptions { Key = "the-key", Role = "forwarder", Forwarder = "FWD-DEMO" })));
    }

    [Fact]
    public void A_key_is_named_as_configured_else_by_the_first_8_hex_characters_of_its_SHA256()
    {
        var hash = ApiKeyRegistry.Hash("the-key");

        Assert.Equal("nansha-terminal", Caller(new ApiKeyOptions { Key = "the-key", Role = "port", Name = " nansha-terminal " }).Name);
        Assert.Equal(hash[..8], Caller(new ApiKeyOptions { Key = "the-key", Role = "port" }).Name);
        Assert.Equal(hash[..8], Caller(new ApiKeyOptions { KeyHash = hash.ToUpperInvariant(), Role = "admin" }).Name);
    }

    [Theory]
    [InlineData("port", "LOAD", "eventTypes 'LOAD'")]
    [InlineData("port", "customs", "eventTypes 'customs'")]
    [InlineData("customs", "EQUIPMENT", "CUSTOMS events only")]
    [InlineData("admin", "CUSTOMS", "for port and customs keys")]
    [InlineData("forwarder", "TRANSPORT", "for port and customs keys")]
    public void An_entry_with_event_types_its_role_cannot_have_stops_the_silo(string role, string eventType, string problem)
    {
        var entry = new ApiKeyOptions { Key = "the-key", Role = role, Forwarder = "FWD-DEMO", EventTypes = [eventType] };

        var error = Assert.Throws<InvalidOperationException>(() => new ApiKeyRegistry([entry]));
        Assert.Contains("Transit:ApiKeys", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_blank_name_stops_the_silo()
    {
        // An unknown role and a malformed keyHash: ApiKeyConfigurationTests.
        var error = Assert.Throws<InvalidOperationException>(() => new ApiKeyRegistry([new ApiKeyOptions { Key = "k", Role = "port", Name = " " }]));
        Assert.Equal("Transit:ApiKeys: 'name', when given, may not be blank", error.Message);
    }
}
