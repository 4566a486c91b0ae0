using System.Globalization;
using Npgsql;

namespace TransitGrains.Benchmarks;

/// <summary>
/// What an ingest cost per acknowledged event, the figures to reason about more machines with: CPU of the silo
/// processes, CPU of PostgreSQL's server processes and the WAL it wrote (<see cref="PostgresServer"/>).
/// </summary>
public sealed class CostMeter
{
    private readonly IReadOnlyList<ChildProcess> _silos;
    private readonly PostgresServer _postgres;
    private readonly double _siloCpu;
    private readonly double _postgresCpu;
    private readonly decimal _wal;

    private CostMeter(IReadOnlyList<ChildProcess> silos, PostgresServer postgres, decimal wal)
    {
        (_silos, _postgres, _wal) = (silos, postgres, wal);
        _siloCpu = silos.Sum(s => s.CpuSeconds());
        _postgresCpu = postgres.CpuSeconds();
    }

    public static async Task<CostMeter> Start(IReadOnlyList<ChildProcess> silos, PostgresServer postgres) =>
        new(silos, postgres, await postgres.WalPosition());

    public async Task<Costs> Stop(int events)
    {
        var siloCpu = _silos.Sum(s => s.CpuSeconds()) - _siloCpu;
        var postgresCpu = _postgres.CpuSeconds() - _postgresCpu;
        var wal = await _postgres.WalPosition() - _wal;
        var n = Math.Max(1, events);
        return new Costs(siloCpu / n, postgresCpu / n, (double)wal / n);
    }
}

/// <summary>Per acknowledged event: CPU seconds of the silos and of PostgreSQL, and WAL bytes.</summary>
public sealed record Costs(double SiloCpu, double PostgresCpu, double WalBytes)
{
    public IEnumerable<(string Name, string Value)> Describe(int silos)
    {
        yield return ($"silo CPU per acknowledged event{(silos > 1 ? $" (the {silos} silos together)" : "")}", $"{SiloCpu * 1e6:F0} µs");
        yield return ("PostgreSQL CPU per acknowledged event", $"{PostgresCpu * 1e6:F0} µs (user + system time of every server process, from /proc)");
        yield return ("WAL written per acknowledged event", $"{WalBytes:F0} B (pg_current_wal_lsn before and after)");
    }
}

/// <summary>
/// The PostgreSQL server on this machine behind a connection string: its postmaster is the parent process of the
/// backend serving our connection. CPU is read from /proc: the postmaster and its live children (backends, WAL
/// writer, checkpointer, autovacuum), plus what the children that ended left in the postmaster's cutime/cstime.
/// </summary>
public sealed class PostgresServer
{
    private static readonly double TicksPerSecond = Posix.ClockTicksPerSecond();

    private readonly string _connection;

    private PostgresServer(string connection, int postmaster)
    {
        _connection = connection;
        Postmaster = postmaster;
    }

    public int Postmaster { get; }

    public static async Task<PostgresServer> Find(string connection)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", db);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        var postmaster = Stat(backend)?.Parent ?? throw new InvalidOperationException($"PostgreSQL backend {backend} is not a process on this machine");
        var name = File.ReadAllText($"/proc/{postmaster}/comm").Trim();
        return name is "postgres" or "postmaster"
            ? new PostgresServer(connection, postmaster)
            : throw new InvalidOperationException($"the parent of PostgreSQL backend {backend} is {name} ({postmaster}), not the postmaster");
    }

    /// <summary>User + system CPU seconds of the server so far.</summary>
    public double CpuSeconds()
    {
        var own = Stat(Postmaster) ?? throw new InvalidOperationException($"the postmaster {Postmaster} is gone");
        var ticks = own.Ticks + own.EndedChildrenTicks;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } child && child.Parent == Postmaster)
            {
                ticks += child.Ticks + child.EndedChildrenTicks;
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>The current WAL position in bytes from the start.</summary>
    public async Task<decimal> WalPosition()
    {
        await using var db = new NpgsqlConnection(_connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')", db);
        return (decimal)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Parent, utime + stime, cutime + cstime of a process (fields 4, 14-17 of /proc/PID/stat), or null if it is gone.</summary>
    private static (int Parent, long Ticks, long EndedChildrenTicks)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
    }
}
