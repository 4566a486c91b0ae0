using Npgsql;

namespace TransitGrains.Persistence;

/// <summary>
/// Our defaults for the Npgsql connection strings that Orleans' ADO.NET providers use.
/// A setting the operator wrote in the connection string always wins.
/// </summary>
public static class PostgresConnection
{
    // Npgsql's default pool (100) equals PostgreSQL's default max_connections (100), so two busy
    // silos would exhaust the server and be refused. 20 per silo keeps several silos under the
    // limit and is still more parallel work than a small server runs at once.
    private const int MaxPoolSize = 20;

    // Orleans issues the same few statements over and over: preparing them after their second use
    // saves parsing and planning on every grain write. 20 covers all of Orleans' queries.
    private const int MaxAutoPrepare = 20;
    private const int AutoPrepareMinUsages = 2;

    /// <summary>
    /// Returns <paramref name="connectionString"/> with the tuning defaults added where it does not set them.
    /// </summary>
    public static string WithTuningDefaults(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Keys holds only what the string set, by canonical name, whatever synonym was written.
        var given = builder.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

        if (!given.Contains("Maximum Pool Size"))
        {
            builder.MaxPoolSize = MaxPoolSize;
        }

        // Orleans' connections carry no session state (no SET, no temp tables, no LISTEN), so the
        // DISCARD ALL round trip Npgsql sends when a connection returns to the pool is pure cost;
        // it would also throw away the prepared statements.
        if (!given.Contains("No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.Contains("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }

        if (!given.Contains("Auto Prepare Min Usages"))
        {
            builder.AutoPrepareMinUsages = AutoPrepareMinUsages;
        }

        return builder.ConnectionString;
    }
}
