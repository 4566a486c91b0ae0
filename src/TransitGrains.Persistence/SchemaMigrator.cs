using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace TransitGrains.Persistence;

/// <summary>
/// Applies the embedded SQL migrations (<c>Migrations/NNNN_name.sql</c>) to a PostgreSQL database,
/// in version order, each in its own transaction, and records them in <c>transit_schema_migrations</c>.
/// </summary>
/// <remarks>
/// Migrators running at the same time (several silos started with <c>migrate</c>) queue on one
/// transaction-scoped advisory lock, so each migration runs exactly once. An applied migration is
/// never changed: if its text differs from what was applied, the migrator refuses to go on.
/// Versions in the database that this build does not know come from a newer build and are left
/// alone, so an older silo keeps working during a rolling upgrade.
/// </remarks>
public sealed class SchemaMigrator
{
    private const string HistoryTable = "transit_schema_migrations";

    // Any fixed number unique to this application; "transit" in ASCII.
    private const long AdvisoryLockKey = 0x7472616E736974;

    private static readonly IReadOnlyList<EmbeddedMigration> Embedded = LoadEmbedded();

    private readonly ILogger<SchemaMigrator> _logger;

    public SchemaMigrator(ILogger<SchemaMigrator>? logger = null)
    {
        _logger = logger ?? NullLogger<SchemaMigrator>.Instance;
    }

    /// <summary>All migrations this build carries, in the order they are applied.</summary>
    public static IReadOnlyList<MigrationInfo> Migrations { get; } =
        Embedded.Select(m => m.Info).ToList();

    /// <summary>
    /// Applies every embedded migration that the database does not have yet, or only those up to
    /// <paramref name="upToVersion"/> (to stage an upgrade, or to test one from an older schema with its data).
    /// </summary>
    /// <exception cref="SchemaMigrationException">An applied migration differs from the embedded one.</exception>
    public async Task<MigrationResult> MigrateAsync(string connectionString, int? upToVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        var applied = new List<MigrationInfo>();
        foreach (var migration in Embedded.Where(m => m.Info.Version <= (upToVersion ?? int.MaxValue)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {HistoryTable}
                (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken);

            // Read under the lock: another migrator may have applied this one while we waited.
            var history = await ReadHistoryAsync(connection, cancellationToken);
            VerifyChecksums(history);
            if (history.ContainsKey(migration.Info.Version))
            {
                await transaction.CommitAsync(cancellationToken);
                continue;
            }

            _logger.LogInformation("Applying schema migration {Migration}", migration.Info.Name);
            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await using (var record = new NpgsqlCommand(
                $"INSERT INTO {HistoryTable} (version, name, checksum) VALUES (@version, @name, @checksum)", connection))
            {
                record.Parameters.AddWithValue("version", migration.Info.Version);
                record.Parameters.AddWithValue("name", migration.Info.Name);
                record.Parameters.AddWithValue("checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration.Info);
        }

        _logger.LogInformation(
            "Schema is current ({Count} migration(s) applied now, latest version {Version})",
            applied.Count,
            Embedded[^1].Info.Version);
        return new MigrationResult(applied);
    }

    /// <summary>Tells whether the database has every embedded migration, without changing anything.</summary>
    /// <exception cref="SchemaMigrationException">An applied migration differs from the embedded one.</exception>
    public async Task<SchemaStatus> CheckAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{HistoryTable}') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return new SchemaStatus(SchemaState.Missing, Migrations);
            }
        }

        var history = await ReadHistoryAsync(connection, cancellationToken);
        VerifyChecksums(history);
        var pending = Embedded.Where(m => !history.ContainsKey(m.Info.Version)).Select(m => m.Info).ToList();
        var state = pending.Count == Embedded.Count ? SchemaState.Missing
            : pending.Count > 0 ? SchemaState.Outdated
            : SchemaState.Current;
        return new SchemaStatus(state, pending);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        // A migration may rewrite a large table: do not cut it off after Npgsql's default 30 s.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Dictionary<int, string>> ReadHistoryAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var history = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand($"SELECT version, checksum FROM {HistoryTable}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            history[reader.GetInt32(0)] = reader.GetString(1);
        }

        return history;
    }

    private static void VerifyChecksums(Dictionary<int, string> history)
    {
        foreach (var migration in Embedded)
        {
            if (history.TryGetValue(migration.Info.Version, out var appliedChecksum) &&
                !string.Equals(appliedChecksum, migration.Checksum, StringComparison.Ordinal))
            {
                throw new SchemaMigrationException(
                    $"Migration {migration.Info.Name} was applied to this database with checksum {appliedChecksum}, " +
                    $"but this build carries checksum {migration.Checksum}. An applied migration must never change: " +
                    "restore its original text and put the change in a new migration.");
            }
        }
    }

    private static List<EmbeddedMigration> LoadEmbedded()
    {
        const string folder = ".Migrations.";
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<EmbeddedMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var start = resource.IndexOf(folder, StringComparison.Ordinal);
            if (start < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[(start + folder.Length)..^".sql".Length];
            var digits = name.TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0 || !int.TryParse(name.AsSpan(0, digits), out var version) || version <= 0)
            {
                throw new SchemaMigrationException($"Embedded migration {resource} must be named NNNN_description.sql.");
            }

            var sql = ReadResource(assembly, resource);
            migrations.Add(new EmbeddedMigration(new MigrationInfo(version, name), sql, Checksum(sql)));
        }

        var duplicate = migrations.GroupBy(m => m.Info.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new SchemaMigrationException(
                $"Two embedded migrations share version {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.Info.Name))}.");
        }

        if (migrations.Count == 0)
        {
            throw new SchemaMigrationException("No migrations are embedded in " + assembly.GetName().Name + ".");
        }

        return migrations.OrderBy(m => m.Info.Version).ToList();
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new SchemaMigrationException($"Embedded migration {resource} cannot be read.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // Line endings are normalised so that a checkout with CRLF does not look like a changed migration.
    private static string Checksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    private sealed record EmbeddedMigration(MigrationInfo Info, string Sql, string Checksum);
}
