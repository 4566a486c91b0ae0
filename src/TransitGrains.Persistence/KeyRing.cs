using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace TransitGrains.Persistence;

/// <summary>
/// The service's ASP.NET Core Data Protection key ring: what seals webhook subscriptions' secrets and protects the
/// dashboard's sign-in cookie. The durable profile keeps it in PostgreSQL (<see cref="PostgresKeyRing"/>), one ring per
/// service id, shared by every silo, so that any silo opens what another sealed; the embedded default keeps it in memory
/// (<see cref="MemoryKeyRing"/>), which is as long as its in-memory grain states live.
/// </summary>
public static class KeyRing
{
    /// <summary>
    /// Data protection keeps applications apart by this name; every silo of a service must use the same one, and it never
    /// changes (by default it would be the content root, which differs between machines).
    /// </summary>
    public const string ApplicationName = "TransitGrains";

    /// <param name="connectionString">the durable profile's database, or null for the embedded default</param>
    public static IDataProtectionBuilder AddTransitKeyRing(this IServiceCollection services, string? connectionString, string serviceId)
    {
        if (connectionString is null)
        {
            services.AddSingleton<IXmlRepository, MemoryKeyRing>();
        }
        else
        {
            services.AddSingleton(_ => new PostgresKeyRing(connectionString, serviceId));
            services.AddSingleton<IXmlRepository>(s => s.GetRequiredService<PostgresKeyRing>());
            // Before data protection's own hosted service, which resolves the key ring as it starts: hosted services
            // start in the order they are registered, and the first key must be made under the lock.
            services.AddHostedService<FirstKeyUnderLock>();
        }

        var builder = services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IXmlRepository>((options, ring) => options.XmlRepository = ring);
        return builder;
    }

    /// <summary>
    /// Silos started at the same time on a new ring would each make a first key, and seal with it before the others had
    /// read it. So each silo, under one PostgreSQL advisory lock, has its key ring resolved before it serves anything: the
    /// first makes the key, the others find it.
    /// </summary>
    private sealed class FirstKeyUnderLock(PostgresKeyRing ring, IDataProtectionProvider protection) : IHostedService
    {
        // Any fixed number unique to this use; "keyring" in ASCII.
        private const long AdvisoryLockKey = 0x6B657972696E67;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var connection = await ring.OpenAsync(cancellationToken);
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLockKey})", connection))
            {
                await take.ExecuteNonQueryAsync(cancellationToken);
            }

            try
            {
                // Sealing anything resolves the default key, making it when the ring has none.
                protection.CreateProtector("TransitGrains.KeyRing.Start").Protect([0]);
            }
            finally
            {
                await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLockKey})", connection);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// The key ring in <c>transit_data_protection_keys</c> (migration 0009): one row per XML element data protection writes,
/// never updated or deleted. The key manager calls this synchronously, rarely (at start, about once a day to refresh, and
/// when it makes the next key a few days before the current one expires), so it uses a small pool of its own.
/// </summary>
public sealed class PostgresKeyRing : IXmlRepository, IDisposable
{
    private readonly NpgsqlDataSource _database;
    private readonly string _serviceId;

    public PostgresKeyRing(string connectionString, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        _database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 2 }.ConnectionString);
        _serviceId = serviceId;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = _database.CreateCommand("SELECT xml FROM transit_data_protection_keys WHERE service_id = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = _database.CreateCommand(
            "INSERT INTO transit_data_protection_keys (service_id, friendly_name, xml) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    internal ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenConnectionAsync(cancellationToken);

    public void Dispose() => _database.Dispose();
}

/// <summary>The embedded default's key ring: in this process only, gone when it stops, like everything else it stores.</summary>
public sealed class MemoryKeyRing : IXmlRepository
{
    private readonly Lock _lock = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return _elements.Select(e => new XElement(e)).ToList();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_lock)
        {
            _elements.Add(new XElement(element));
        }
    }
}
