using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence;

public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql; Orleans' default would be SQL Server's.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Puts clustering, grain storage, reminders and the event-id ledger on the PostgreSQL database that
    /// <paramref name="connectionString"/> names. Its schema must have been created by
    /// <see cref="SchemaMigrator"/> first. Grain storage is registered as <paramref name="storageName"/>
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

        AddStorage(silo, storageName, tuned);
        silo.Services.AddSingleton<IEventIdLedger>(services => new PostgresEventIdLedger(
            connectionString, services.GetRequiredService<IOptions<ClusterOptions>>(), services.GetRequiredService<Serializer>()));
        if (!string.Equals(storageName, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, StringComparison.Ordinal))
        {
            AddStorage(silo, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, tuned);
        }

        return silo;
    }

    private static void AddStorage(ISiloBuilder silo, string name, string connectionString) =>
        silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<Serializer>((o, serializer) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
                o.GrainStorageSerializer = GrainStateSerialization.Binary(serializer);
            }));
}
