namespace TransitGrains.Persistence;

/// <summary>One embedded migration: its version and its file name without extension.</summary>
public sealed record MigrationInfo(int Version, string Name);

/// <summary>What <see cref="SchemaMigrator.MigrateAsync"/> did.</summary>
public sealed record MigrationResult(IReadOnlyList<MigrationInfo> Applied)
{
    public int AppliedCount => Applied.Count;
}

public enum SchemaState
{
    /// <summary>None of our migrations is applied: the database is empty or not ours.</summary>
    Missing,

    /// <summary>Some migrations are applied, newer ones are pending.</summary>
    Outdated,

    /// <summary>Every migration of this build is applied.</summary>
    Current,
}

/// <summary>What <see cref="SchemaMigrator.CheckAsync"/> found.</summary>
public sealed record SchemaStatus(SchemaState State, IReadOnlyList<MigrationInfo> Pending)
{
    public bool IsCurrent => State == SchemaState.Current;

    /// <summary>A sentence for an operator, saying what to do when the schema is not current.</summary>
    public string Describe() => State switch
    {
        SchemaState.Current => "The database schema is current.",
        SchemaState.Missing =>
            "The database has no TransitGrains schema. Run `migrate` first to create it.",
        _ =>
            $"The database schema is outdated: migration(s) {string.Join(", ", Pending.Select(p => p.Name))} are pending. Run `migrate` first.",
    };
}

/// <summary>The schema cannot be checked or migrated safely; the message says why and what to do.</summary>
public sealed class SchemaMigrationException : Exception
{
    public SchemaMigrationException()
    {
    }

    public SchemaMigrationException(string message)
        : base(message)
    {
    }

    public SchemaMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
