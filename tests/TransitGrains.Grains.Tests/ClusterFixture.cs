using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans.Serialization.Configuration;
using TransitGrains.Abstractions;
using TransitGrains.Persistence;
using TransitGrains.Persistence.Journal;
using TransitGrains.Webhooks;
using Orleans.TestingHost;

namespace TransitGrains.Grains.Tests;

/// <summary>
/// Two in-process silos and a client. Two, because a call between grains on different silos is serialized
/// while a call inside one silo only copies, which would hide a missing codec (e.g. for NodaTime).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Tax tests start from here; events happen on 2020-11-30 (China time).</summary>
    public static readonly Instant Start = Instant.FromUtc(2020, 11, 30, 0, 0);

    /// <summary>The silos' clock. Static because TestingHost constructs the silo configurator itself.</summary>
    public static FakeClock Clock { get; } = new(Start);

    /// <summary>
    /// Seals the subscriptions' keys on both silos with one key ring, as the silos of a cluster share one; static for the
    /// same reason as <see cref="Clock"/>.
    /// </summary>
    public static DataProtectionSigningKeySeal Seal { get; } = new(new EphemeralDataProtectionProvider());

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = 2 } };
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        // Both silos journal into one store, as silos of a cluster share one database.
        private static readonly InMemoryJournalStore Journal = new();

        public void Configure(ISiloBuilder silo)
        {
            silo.UseTransitMemory(StorageNames.Transit, Journal)
                // Fails at start-up when a type that crosses the wire has no codec, instead of on the first call.
                .Configure<TypeManifestOptions>(o => o.EnableConfigurationAnalysis = true);

            // The production registration, fed the waterway notice from configuration as an operator would.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Transit:TaxRefund:Policies:0:Name"] = "Waterway test notice",
                    ["Transit:TaxRefund:Policies:0:EffectiveFrom"] = "2020-10-01",
                    ["Transit:TaxRefund:Policies:0:Modes:0"] = "BARGE",
                    ["Transit:TaxRefund:Policies:0:DeparturePorts:0"] = "CNSUD",
                    ["Transit:TaxRefund:Policies:0:ExitPorts:0"] = "CNNSA",
                    ["Transit:TaxRefund:Policies:0:ExitDeadlineDays"] = "60",
                    // Short retries, on the silos' clock: a test moves it past them.
                    ["Transit:Webhooks:RetryDelays:0"] = "00:00:10",
                    ["Transit:Webhooks:RetryDelays:1"] = "00:00:20",
                })
                .Build();
            var journal = silo.Services.Last(d => d.ServiceType == typeof(IJournal));
            silo.Services.Remove(journal);
            silo.Services.AddSingleton<IJournal>(services => ScriptedJournal.Over((IJournal)journal.ImplementationFactory!(services)));
            silo.Services.AddSingleton<IClock>(Clock);
            silo.Services.AddTransitGrains(configuration);
            silo.Services.AddSingleton<ITaxRefundTriggerPublisher, RecordingPublisher>();
            silo.Services.AddSingleton<IWebhookSender, RecordingWebhookSender>();
            silo.Services.AddSingleton<ISigningKeySeal>(Seal);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    // One collection: the cluster starts once and the tests run one after another, so the shared clock and
    // publisher switch are never moved under a test that is still running.
    public const string Name = "Two-silo cluster";
}

/// <summary>
/// Stands in for the Azure queue (tested against Azurite elsewhere): records what was published and can
/// simulate an outage. Shared by both silos, whichever one a shipment activates on.
/// </summary>
public sealed class RecordingPublisher : ITaxRefundTriggerPublisher
{
    private static volatile bool s_failing;

    public static ConcurrentQueue<TaxRefundTriggerMessage> Published { get; } = new();

    /// <summary>Refused attempts by message id.</summary>
    public static ConcurrentDictionary<string, int> Refused { get; } = new();

    public static bool Failing
    {
        get => s_failing;
        set => s_failing = value;
    }

    public static IReadOnlyList<TaxRefundTriggerMessage> For(string shipmentId) =>
        Published.Where(m => m.ShipmentId == shipmentId).ToList();

    public Task PublishAsync(TaxRefundTriggerMessage message, CancellationToken ct)
    {
        if (Failing)
        {
            Refused.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
            throw new InvalidOperationException("simulated tax queue outage");
        }

        Published.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task<bool> IsAvailableAsync(CancellationToken ct) => Task.FromResult(!Failing);
}
