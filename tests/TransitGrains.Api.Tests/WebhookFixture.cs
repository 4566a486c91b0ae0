using System.Net;
using System.Text.Json.Nodes;

namespace TransitGrains.Api.Tests;

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookFixture>
{
    public const string Name = "Webhooks";
}

/// <summary>
/// A receiver on real Kestrel; a silo in Development with retries after 1, 1 and 5 seconds (so retries are seen within a test);
/// and a silo outside Development (Production), whose callbacks may not reach private networks, with forwarder keys of
/// its own (the Development keys exist only in Development).
/// </summary>
public sealed class WebhookFixture : IAsyncLifetime
{
    public const string ProductionForwarderKey = "prod-forwarder-key";

    private RunningSilo? _silo;
    private RunningSilo? _production;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public ApiClient As(string? key) => _silo!.As(key);

    public ApiClient Production => _production!.As(ProductionForwarderKey);

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        _silo = await RunningSilo.Start(
            "--Transit:Webhooks:RetryDelays:0=00:00:01",
            "--Transit:Webhooks:RetryDelays:1=00:00:01",
            "--Transit:Webhooks:RetryDelays:2=00:00:05");
        _production = await RunningSilo.Start(
            "--environment=Production",
            $"--Transit:ApiKeys:0:key={ProductionForwarderKey}",
            "--Transit:ApiKeys:0:role=forwarder",
            $"--Transit:ApiKeys:0:forwarder={Keys.ForwarderCode}");
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in new[] { _silo, _production }.OfType<RunningSilo>())
        {
            await silo.DisposeAsync();
        }

        await Receiver.DisposeAsync();
    }

    /// <summary>Subscribes with <paramref name="key"/>, delivering to a path of the receiver of its own; answers the subscription (with its secret).</summary>
    public async Task<(string Id, string Secret, string Path)> Subscribe(string key = Keys.Forwarder, JsonObject? filters = null)
    {
        var path = $"hook-{Guid.NewGuid():N}";
        var body = filters?.DeepClone().AsObject() ?? [];
        body["callbackUrl"] = Receiver.Url(path);
        var created = (await As(key).Post("/api/v1/subscriptions", body)).Expect(HttpStatusCode.Created).Body;
        return ((string)created["subscriptionId"]!, (string)created["secret"]!, path);
    }

    /// <summary>Books a declared one-port shipment (Shunde by barge to Nansha, on by vessel) for the development forwarder.</summary>
    public async Task<(string Id, string Container, string Barge)> BookOnePort(string prefix, string key = Keys.Forwarder)
    {
        var (id, container, barge) = (Ids.Shipment(prefix), Ids.Container(), Ids.Conveyance("BRG"));
        (await As(key).Post("/api/v1/shipments", Json.OnePortBooking(id, container, barge, Ids.Conveyance("VSL")))).Expect(HttpStatusCode.Created);
        return (id, container, barge);
    }

    /// <summary>Reports events, one batch each, and expects each ACCEPTED.</summary>
    public async Task Report(params JsonObject[] events)
    {
        foreach (var e in events)
        {
            var results = (await As(Keys.Port).Post("/api/v1/events", Json.Batch([e]))).Expect(HttpStatusCode.OK).Body["results"]!;
            Assert.Equal("ACCEPTED", (string?)results[0]!["status"]);
        }
    }
}
