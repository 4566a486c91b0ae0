using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

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
    /// Grain storage in memory (the embedded default, grain tests). In-memory storage serializes too: with the default
    /// serializer a collected shipment could not be activated again.
    /// </summary>
    public static ISiloBuilder AddTransitMemoryStorage(this ISiloBuilder silo, string storageName) =>
        silo.AddMemoryGrainStorage(storageName, (OptionsBuilder<MemoryGrainStorageOptions> options) =>
            options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = Binary(serializer)));
}
