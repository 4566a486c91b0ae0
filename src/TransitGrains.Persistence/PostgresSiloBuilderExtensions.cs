using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using TransitGrains.Abstractions;
using TransitGrains.Persistence.Journal;

namespace TransitGrains.Persistence;

public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql; Orleans' default would be SQL Server's.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Puts the journal, the listing and the wake-up rows (our own tables), grain snapshots (Orleans' ADO.NET grain storage,
    /// as <paramref name="storageName"/> and the default storage) and clustering (Orleans' ADO.NET membership) on the
    /// PostgreSQL database that <paramref name="connectionString"/> names. Its schema must have been created by
    /// <see cref="SchemaMigrator"/> first.
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
        foreach (var name in StorageNames(storageName))
        {
            silo.AddAdoNetGrainStorage(name, options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = tuned;
            });
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(name).Configure<Serializer>(StorageSerialization.UseBinary);
        }

        silo.Services.AddSingleton(services => new TransitDatabase(
            connectionString,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            services.GetRequiredService<ILogger<TransitDatabase>>()));
        silo.Services.AddSingleton<JournalPayloads>();
        silo.Services.TryAddSingleton<IJournal>(services => new GroupCommitJournal(
            new PostgresJournalStore(services.GetRequiredService<TransitDatabase>(), services.GetRequiredService<JournalPayloads>())));
        silo.Services.AddSingleton<IShipmentIndex>(services => new PostgresShipmentIndex(services.GetRequiredService<TransitDatabase>()));
        silo.Services.AddSingleton<IWakeUpSchedule>(services => new PostgresWakeUpSchedule(services.GetRequiredService<TransitDatabase>()));
        return silo;
    }

    /// <summary>
    /// The embedded default and grain tests: the journal, listing and wake-up rows in <paramref name="journal"/> (silos
    /// of one process share it when given the same instance, else this silo has one of its own), grain snapshots in
    /// Orleans' memory grain storage, serialized as on PostgreSQL, so what works here works there.
    /// </summary>
    public static ISiloBuilder UseTransitMemory(this ISiloBuilder silo, string storageName = "transit", InMemoryJournalStore? journal = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        foreach (var name in StorageNames(storageName))
        {
            silo.AddMemoryGrainStorage(name);
            silo.Services.AddOptions<MemoryGrainStorageOptions>(name).Configure<Serializer>(StorageSerialization.UseBinary);
        }

        silo.Services.AddSingleton(journal ?? new InMemoryJournalStore());
        silo.Services.AddSingleton<JournalPayloads>();
        silo.Services.TryAddSingleton<IJournal>(services => new GroupCommitJournal(
            services.GetRequiredService<InMemoryJournalStore>().For(services.GetRequiredService<JournalPayloads>())));
        silo.Services.AddSingleton<IShipmentIndex>(services => services.GetRequiredService<InMemoryJournalStore>());
        silo.Services.AddSingleton<IWakeUpSchedule>(services => services.GetRequiredService<InMemoryJournalStore>());
        return silo;
    }

    // A grain that names no storage gets the default one: the same.
    private static IEnumerable<string> StorageNames(string storageName) =>
        new[] { storageName, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME }.Distinct(StringComparer.Ordinal);
}

/// <summary>
/// How grain snapshots are serialized, in PostgreSQL and in memory alike: Orleans' own binary serializer, not the default
/// JSON one. Snapshots carry NodaTime values, which Orleans serializes through registered surrogates; the JSON serializers
/// know nothing of them and write values they cannot read back, or read them back as 1970 without any error.
/// </summary>
internal static class StorageSerialization
{
    public static void UseBinary(IStorageProviderSerializerOptions options, Serializer serializer) =>
        options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
}
