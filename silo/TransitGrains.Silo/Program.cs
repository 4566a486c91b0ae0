using Orleans.Dashboard;
using TransitGrains.Api;
using TransitGrains.Grains;
using TransitGrains.Persistence;
using TransitGrains.Silo;
using TransitGrains.TaxQueue;
using TransitGrains.Webhooks;

if (args.Length > 0 && args[0] == "migrate")
{
    return await SiloHost.MigrateAsync(args[1..]);
}

var app = SiloHost.Build(args);
await app.StartAsync();
SiloHost.Announce(app);
await app.WaitForShutdownAsync();
return 0;

namespace TransitGrains.Silo
{
    using Microsoft.Extensions.Logging;
    using NodaTime.Text;
    using TransitGrains.Domain.TaxRefund;

    /// <summary>The host: one process runs an Orleans silo and the HTTP API in front of it.</summary>
    public static class SiloHost
    {
        public const string DefaultUrl = "http://127.0.0.1:5080";

        public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
        {
            var builder = WebApplication.CreateBuilder(args);
            if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            {
                builder.WebHost.UseUrls(DefaultUrl);
            }

            configure?.Invoke(builder);
            var configuration = builder.Configuration;
            var durable = NonEmpty(configuration.GetConnectionString(ClusterSettings.StorageConnectionName));
            if (durable is not null)
            {
                RequireCurrentSchema(durable);
            }

            var cluster = ClusterSettings.From(configuration);
            // Before the silo, so that the key ring is settled before anything seals with it.
            builder.Services.AddTransitKeyRing(durable, cluster.ServiceId);
            builder.UseOrleans(silo =>
            {
                // Trace context travels with grain calls, so one trace follows a request from HTTP through the grains.
                silo.AddActivityPropagation();
                silo.AddDashboard();
                silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });

                if (durable is null)
                {
                    silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                    silo.UseTransitMemory(StorageNames.Transit);
                }
                else
                {
                    silo.UseTransitPostgres(durable, StorageNames.Transit);
                    silo.ConfigureEndpoints(cluster.AdvertisedIp, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.ListenOnAny);
                }
            });

            builder.AddTransitTelemetry();
            builder.Services.AddTransitGrains(configuration);
            builder.Services.AddTaxRefundQueue(configuration);
            builder.Services.AddWebhookDelivery(configuration, builder.Environment.IsDevelopment());
            builder.Services.AddTransitApi(configuration, builder.Environment);
            builder.Services.AddHealthChecks().AddCheck(
                "storage",
                durable is null ? new InMemoryStorageHealthCheck() : new PostgresHealthCheck(durable),
                tags: [TransitApi.ReadyTag]);

            var app = builder.Build();
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            app.UseForwarderPage();
            app.UseTransitApi();
            app.MapTransitApi();
            app.MapTransitMetrics();
            // The Orleans dashboard belongs to the silo; who may open it is the API's sign-in.
            app.MapOrleansDashboard(DashboardSignIn.Path).RequireAuthorization(ApiPolicies.Admin).ExcludeFromDescription();
            app.MapDashboardSignIn();
            return app;
        }

        public static void Announce(WebApplication app)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TransitGrains");
            var durable = NonEmpty(app.Configuration.GetConnectionString(ClusterSettings.StorageConnectionName)) is not null;
            foreach (var url in app.Urls)
            {
                logger.LogInformation("TransitGrains listening on {Url}: the forwarder page at {Url}/, OpenAPI at {Url}/openapi/v1.json", url, url, url);
            }

            if (durable)
            {
                logger.LogInformation("Durable profile: the event journal, grain snapshots (Orleans ADO.NET grain storage) and clustering on PostgreSQL.");
            }
            else
            {
                logger.LogWarning(
                    "Embedded default: one local silo with an IN-MEMORY journal and grain storage. NOTHING IS DURABLE: every shipment and "
                    + "event is lost when this process stops. Set ConnectionStrings:Transit for the durable PostgreSQL profile.");
            }

            if (NonEmpty(app.Configuration.GetConnectionString(TaxQueueOptions.ConnectionStringName)) is null)
            {
                logger.LogWarning("No ConnectionStrings:TaxQueue: tax refund triggers are kept in the outbox and written to the log, not queued.");
            }

            // What the refund triggers are based on, and where each notice's lists come from: for the operator and the auditor.
            foreach (var notice in app.Services.GetRequiredService<RefundPolicyBook>().Policies)
            {
                logger.LogInformation(
                    "Refund notice {Name}: {Modes} legs from {DeparturePorts} to {ExitPorts}, in force {EffectiveFrom} to {EffectiveTo}, "
                    + "exit within {ExitDeadlineDays} days. Source: {Source}",
                    notice.Name,
                    string.Join("/", notice.Modes.Order()),
                    string.Join(" ", notice.DeparturePorts),
                    string.Join(" ", notice.ExitPorts),
                    LocalDatePattern.Iso.Format(notice.EffectiveFrom),
                    notice.EffectiveTo is { } to ? LocalDatePattern.Iso.Format(to) : "(open)",
                    notice.ExitDeadlineDays,
                    notice.Source ?? "(none given)");
            }
        }

        /// <summary>An empty connection string means "not configured", as it does for the tax queue.</summary>
        private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

        /// <summary><c>migrate</c>: create or upgrade the schema in ConnectionStrings:Transit, then exit.</summary>
        public static async Task<int> MigrateAsync(string[] args)
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .AddCommandLine(args)
                .Build();
            var connection = configuration.GetConnectionString(ClusterSettings.StorageConnectionName);
            if (string.IsNullOrWhiteSpace(connection))
            {
                await Console.Error.WriteLineAsync("migrate: set ConnectionStrings:Transit (e.g. ConnectionStrings__Transit=\"Host=...;Database=...\").");
                return 2;
            }

            using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole());
            var result = await new SchemaMigrator(loggers.CreateLogger<SchemaMigrator>()).MigrateAsync(connection);
            Console.WriteLine(result.AppliedCount == 0
                ? "Schema is current; nothing to apply."
                : $"Applied {result.AppliedCount} migration(s): {string.Join(", ", result.Applied.Select(m => $"{m.Version} {m.Name}"))}");
            var converted = await EarlierStateMigration.RunAsync(
                connection, ClusterSettings.From(configuration), loggers.CreateLogger("TransitGrains.Migrate"));
            Console.WriteLine(converted == 0
                ? "No state of an earlier release to convert."
                : $"Converted {converted} stored state(s) of an earlier release into the journal and grain snapshots.");
            return 0;
        }

        /// <summary>The silo never migrates silently; with a missing or old schema it refuses to start and says what to run.</summary>
        private static void RequireCurrentSchema(string connection)
        {
            var status = new SchemaMigrator().CheckAsync(connection).GetAwaiter().GetResult();
            if (!status.IsCurrent)
            {
                throw new InvalidOperationException(
                    $"{status.Describe()} Run: dotnet run --project silo/TransitGrains.Silo -- migrate (with the same ConnectionStrings:Transit).");
            }
        }
    }
}
