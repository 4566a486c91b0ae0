using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TransitGrains.Abstractions;

namespace TransitGrains.Persistence;

/// <summary>
/// How grain states are serialized into storage, in PostgreSQL and in memory alike: Orleans' own binary serializer,
/// not the default Newtonsoft JSON. Our states carry NodaTime values, which Orleans serializes through registered
/// surrogates; the JSON serializers know nothing of them and write values they cannot read back, or read them back as
/// 1970 without any error. The binary format also needs no JSON converters and is smaller on the hot write path.
/// </summary>
public static class GrainStateSerialization
{
    public static IGrainStorageSerializer Binary(Serializer serializer) => new OrleansGrainStorageSerializer(serializer);

    /// <summary>
    /// Grain storage in memory (the embedded default, grain tests) under <paramref name="storageName"/>, on
    /// <paramref name="table"/> when silos of one process should share their states, else on a table of this silo's own.
    /// In-memory storage serializes too, so what works here works on PostgreSQL.
    /// </summary>
    public static ISiloBuilder AddTransitMemoryStorage(this ISiloBuilder silo, string storageName, InMemoryStateTable? table = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(table ?? new InMemoryStateTable());
        silo.Services.AddSingleton(services => new InMemoryGrainStateStore(
            services.GetRequiredService<InMemoryStateTable>(),
            Binary(services.GetRequiredService<Serializer>()),
            services.GetRequiredService<IActivatorProvider>()));
        return silo.AddTransitStorage<InMemoryGrainStateStore>(storageName);
    }

    /// <summary>
    /// Registers <typeparamref name="TStore"/> as grain storage <paramref name="storageName"/>, as the default grain
    /// storage (by name and unnamed), as the wake-up schedule and as the shipment index.
    /// </summary>
    internal static ISiloBuilder AddTransitStorage<TStore>(this ISiloBuilder silo, string storageName)
        where TStore : class, IGrainStorage, IWakeUpSchedule, IShipmentIndex
    {
        foreach (var name in new[] { storageName, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME }.Distinct(StringComparer.Ordinal))
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => services.GetRequiredService<TStore>());
        }

        // A grain that names no storage gets the unnamed registration.
        silo.Services.AddSingleton<IGrainStorage>(services => services.GetRequiredService<TStore>());
        silo.Services.AddSingleton<IWakeUpSchedule>(services => services.GetRequiredService<TStore>());
        silo.Services.AddSingleton<IShipmentIndex>(services => services.GetRequiredService<TStore>());
        return silo;
    }
}
