using Npgsql;
using TransitGrains.Persistence;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The real services the test script started. A missing one fails the test with what to run: these tests
/// are never skipped.
/// </summary>
public static class TestServices
{
    public static string PostgresAdmin => Required("TRANSIT_TEST_PG", "bash scripts/postgres.sh start DIR");

    public static string Queue => Required("TRANSIT_TEST_QUEUE", "bash scripts/azurite.sh start DIR");

    /// <summary>A fresh database with the project's schema migrated into it; each test gets its own.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = $"it_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ConnectionString;
        await new SchemaMigrator().MigrateAsync(connection);
        return connection;
    }

    /// <summary>A random seed for a test's random choices, or TRANSIT_TEST_SEED to repeat a run; the test logs it.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("TRANSIT_TEST_SEED"), System.Globalization.CultureInfo.InvariantCulture, out var given)
            ? given
            : Random.Shared.Next();

    private static string Required(string variable, string howToStart) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: these tests need the real service. Run them through scripts/test.sh, or start it with '{howToStart}' and export {variable}.");
}
