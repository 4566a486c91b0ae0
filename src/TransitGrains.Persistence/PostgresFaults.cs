using System.Net.Sockets;
using Npgsql;

namespace TransitGrains.Persistence;

/// <summary>How Npgsql reports that PostgreSQL cannot do the work now.</summary>
internal static class PostgresFaults
{
    /// <summary>The database cannot be reached or did not answer in time: the same work may succeed later.</summary>
    public static bool IsUnavailable(Exception failure) => failure is NpgsqlException { IsTransient: true };

    /// <summary>
    /// The connection itself failed: it could not be opened, or the server closed it or went away under it (stopped,
    /// restarted, cut off). The pool still holds connections to that server that broke the same way unnoticed.
    /// </summary>
    public static bool IsConnectionLost(Exception failure) => failure switch
    {
        PostgresException { SqlState: var state } => state.StartsWith("08", StringComparison.Ordinal)
            || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException { InnerException: IOException or SocketException } => true,
        _ => false,
    };
}
