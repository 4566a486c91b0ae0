using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence;

public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql; Orleans' default would be SQL Server's.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Puts clustering and reminders (Orleans' ADO.NET providers), grain storage (our group-commit store) and the
    /// event-id ledger on the PostgreSQL database that <paramref name="connectionString"/> names. Its schema must have
    /// been created by <see cref="SchemaMigrator"/> first. Grain storage is registered as <paramref name="storageName"/>
    /// and as the default storage.
    /// </summary>
    public static ISiloBuilder UseTransitPostgres(this ISiloBuilder silo, string connectionString, string storageName = "transit")
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(storageName);
        var tuned = PostgresConnection.WithTuningDefaults(connectionString);

        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = tuned;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = tuned;
        });

        silo.Services.AddSingleton(services => new TransitDatabase(
            connectionString,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            services.GetRequiredService<ILogger<TransitDatabase>>()));
        silo.Services.AddSingleton(services => new PostgresGrainStateStore(
            services.GetRequiredService<TransitDatabase>(),
            GrainStateSerialization.Binary(services.GetRequiredService<Serializer>()),
            services.GetRequiredService<IActivatorProvider>()));
        silo.AddTransitStorage<PostgresGrainStateStore>(storageName);

        silo.Services.AddSingleton<IEventIdLedger>(services => new PostgresEventIdLedger(
            services.GetRequiredService<TransitDatabase>(), services.GetRequiredService<Serializer>()));
        return silo;
    }
}
