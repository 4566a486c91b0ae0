using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace TransitGrains.Persistence.Tests;

/// <summary>The durable profile's data-protection key ring in PostgreSQL: one ring per service, whichever silo made it.</summary>
public sealed class KeyRingTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    private const string Purpose = "KeyRingTests";

    [Fact]
    public async Task Silos_starting_together_on_a_new_ring_make_one_key_and_each_opens_what_another_sealed()
    {
        var db = await Migrated();
        var silos = Enumerable.Range(0, 3).Select(_ => Silo(db, "svc")).ToList();

        await Task.WhenAll(silos.Select(Start));

        Assert.Equal(1L, await CountAsync(db, "SELECT count(*) FROM transit_data_protection_keys WHERE service_id = 'svc'"));
        var protectors = silos.Select(s => s.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose)).ToList();
        foreach (var sealer in protectors)
        {
            var sealedText = sealer.Protect("a webhook secret");
            Assert.All(protectors, opener => Assert.Equal("a webhook secret", opener.Unprotect(sealedText)));
        }

        silos.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_restarted_silo_opens_what_was_sealed_before_and_another_service_on_the_same_database_cannot()
    {
        var db = await Migrated();
        string sealedText;
        using (var before = Silo(db, "svc"))
        {
            await Start(before);
            sealedText = before.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("a webhook secret");
        }

        using var after = Silo(db, "svc");
        await Start(after);
        Assert.Equal("a webhook secret", after.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(sealedText));

        using var other = Silo(db, "other-svc");
        await Start(other);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(
            () => other.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(sealedText));
        Assert.Equal(2L, await CountAsync(db, "SELECT count(DISTINCT service_id) FROM transit_data_protection_keys"));
    }

    private async Task<string> Migrated()
    {
        var db = await databases.CreateAsync();
        await new SchemaMigrator().MigrateAsync(db);
        return db;
    }

    /// <summary>What a silo of the durable profile registers for its key ring, in a container of its own.</summary>
    private static ServiceProvider Silo(string db, string serviceId)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddTransitKeyRing(db, serviceId);
        return services.BuildServiceProvider();
    }

    /// <summary>Starts the hosted services one after another in the order they were registered, as the generic host does.</summary>
    private static async Task Start(ServiceProvider silo)
    {
        await Task.Yield(); // so that silos started together run side by side
        foreach (var hosted in silo.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    private static async Task<long> CountAsync(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
