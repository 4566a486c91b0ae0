using Npgsql;

namespace TransitGrains.Persistence.Tests;

public sealed class SchemaMigratorTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    private readonly SchemaMigrator _migrator = new();

    [Fact]
    public void Carries_the_orleans_migrations_the_earlier_state_tables_the_journal_the_grain_snapshots_and_the_key_ring_in_order()
    {
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], SchemaMigrator.Migrations.Select(m => m.Version));
        Assert.Equal(
            ["0001_orleans_membership", "0002_orleans_storage", "0003_orleans_reminders", "0004_event_ids", "0005_grain_state", "0006_shipment_listing",
                "0007_journal", "0008_grain_snapshots", "0009_data_protection_keys"],
            SchemaMigrator.Migrations.Select(m => m.Name));
    }

    [Fact]
    public async Task Applies_everything_to_an_empty_database_and_nothing_the_second_time()
    {
        var db = await databases.CreateAsync();

        var first = await _migrator.MigrateAsync(db);
        var second = await _migrator.MigrateAsync(db);

        Assert.Equal(SchemaMigrator.Migrations, first.Applied);
        Assert.Equal(0, second.AppliedCount);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], await ScalarsAsync<int>(db, "SELECT version FROM transit_schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task Creates_every_table_and_query_the_orleans_providers_read_and_the_journal()
    {
        var db = await databases.CreateAsync();
        await _migrator.MigrateAsync(db);

        Assert.Equal(
            [
                "orleansmembershiptable", "orleansmembershipversiontable", "orleansquery", "orleansreminderstable", "orleansstorage",
                "transit_container_bookings", "transit_conveyance_followers", "transit_data_protection_keys", "transit_event_ids", "transit_grain_state",
                "transit_journal_entries", "transit_journal_events", "transit_journal_head", "transit_schema_migrations",
                "transit_shipments", "transit_wake_ups",
            ],
            await ScalarsAsync<string>(db, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"));
        Assert.Equal(
            [
                "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey",
                "DeleteReminderRowKey", "DeleteReminderRowsKey", "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey",
                "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey",
                "ReadFromStorageKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey",
                "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "UpsertReminderRowKey", "WriteToStorageKey",
            ],
            await ScalarsAsync<string>(db, "SELECT querykey::text FROM orleansquery ORDER BY querykey COLLATE \"C\""));
    }

    [Fact]
    public async Task Check_says_missing_before_and_current_after()
    {
        var db = await databases.CreateAsync();

        var before = await _migrator.CheckAsync(db);
        await _migrator.MigrateAsync(db);
        var after = await _migrator.CheckAsync(db);

        Assert.Equal(SchemaState.Missing, before.State);
        Assert.Equal(SchemaMigrator.Migrations, before.Pending);
        Assert.Contains("migrate", before.Describe(), StringComparison.Ordinal);
        Assert.Equal(SchemaState.Current, after.State);
        Assert.True(after.IsCurrent);
        Assert.Empty(after.Pending);
    }

    [Fact]
    public async Task Check_names_the_pending_migrations_of_an_outdated_database()
    {
        var db = await databases.CreateAsync();
        await _migrator.MigrateAsync(db);
        await ExecuteAsync(db, "DELETE FROM transit_schema_migrations WHERE version = 3");

        var status = await _migrator.CheckAsync(db);

        Assert.Equal(SchemaState.Outdated, status.State);
        Assert.Equal([3], status.Pending.Select(p => p.Version));
        Assert.Contains("0003_orleans_reminders", status.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_database_whose_applied_migration_differs()
    {
        var db = await databases.CreateAsync();
        await _migrator.MigrateAsync(db);
        await ExecuteAsync(db, "UPDATE transit_schema_migrations SET checksum = 'tampered' WHERE version = 2");

        var migrate = await Assert.ThrowsAsync<SchemaMigrationException>(() => _migrator.MigrateAsync(db));
        var check = await Assert.ThrowsAsync<SchemaMigrationException>(() => _migrator.CheckAsync(db));

        Assert.Contains("0002_orleans_storage", migrate.Message, StringComparison.Ordinal);
        Assert.Contains("tampered", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_migrators_at_once_apply_each_migration_once()
    {
        var db = await databases.CreateAsync();

        var results = await Task.WhenAll(
            Task.Run(() => new SchemaMigrator().MigrateAsync(db)),
            Task.Run(() => new SchemaMigrator().MigrateAsync(db)));

        Assert.Equal(
            [1, 2, 3, 4, 5, 6, 7, 8, 9],
            results.SelectMany(r => r.Applied).Select(m => m.Version).Order());
        Assert.Equal(SchemaState.Current, (await _migrator.CheckAsync(db)).State);
        Assert.Equal(9L, (await ScalarsAsync<long>(db, "SELECT count(*) FROM transit_schema_migrations")).Single());
    }

    [Fact]
    public async Task Upgrading_moves_states_from_the_orleans_storage_table_and_wakes_shipments_that_had_reminders()
    {
        var db = await databases.CreateAsync();
        await _migrator.MigrateAsync(db, upToVersion: 4);
        // Rows as Orleans' ADO.NET providers wrote them: a shipment with a refund-deadline reminder, a container without.
        await ExecuteAsync(db, """
            INSERT INTO OrleansStorage (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString, PayloadBinary, Version)
            VALUES (1, 2, 'svc', 0, 0, 'shipment', 'GZ26-000123', '\x0102'::bytea, 7),
                   (3, 4, 'svc', 0, 0, 'container', 'CSQU3054383', '\x03'::bytea, 2);
            INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
            VALUES ('svc', 'shipment/GZ26-000123', 'refund-deadline', now(), 60000, 5, 0),
                   ('svc', 'other/1', 'someone-elses', now(), 60000, 6, 0);
            """);

        Assert.Equal(1, (await _migrator.MigrateAsync(db, upToVersion: 5)).AppliedCount);

        Assert.Equal(
            [@"container/CSQU3054383 container 2 \x03 not woken", @"shipment/GZ26-000123 shipment 7 \x0102 woken"],
            await ScalarsAsync<string>(db, """
                SELECT grain_id || ' ' || state_name || ' ' || version || ' ' || payload::text || ' ' || CASE WHEN wake_up_at IS NULL THEN 'not woken' ELSE 'woken' END
                FROM transit_grain_state WHERE service_id = 'svc' ORDER BY grain_id
                """));
        Assert.Equal(["someone-elses"], await ScalarsAsync<string>(db, "SELECT ReminderName FROM OrleansRemindersTable"));
    }

    [Fact]
    public async Task Upgrading_to_the_listing_wakes_every_stored_shipment_once_so_that_it_writes_its_listing()
    {
        var db = await databases.CreateAsync();
        await _migrator.MigrateAsync(db, upToVersion: 5);
        await ExecuteAsync(db, """
            INSERT INTO transit_grain_state (service_id, grain_id, state_name, payload, version, wake_up_at)
            VALUES ('svc', 'shipment/QUIET', 'shipment', '\x01'::bytea, 3, NULL),
                   ('svc', 'shipment/DEADLINE-AHEAD', 'shipment', '\x02'::bytea, 4, now() + interval '30 days'),
                   ('svc', 'shipment/OVERDUE', 'shipment', '\x03'::bytea, 5, '2020-01-01T00:00:00Z'),
                   ('svc', 'container/CSQU3054383', 'container', '\x04'::bytea, 2, NULL);
            """);

        Assert.Equal(1, (await _migrator.MigrateAsync(db, upToVersion: 6)).AppliedCount);

        Assert.Equal(
            ["container/CSQU3054383 not woken", "shipment/DEADLINE-AHEAD due now", "shipment/OVERDUE due as it was", "shipment/QUIET due now"],
            await ScalarsAsync<string>(db, """
                SELECT grain_id || ' ' || CASE WHEN wake_up_at IS NULL THEN 'not woken'
                                               WHEN wake_up_at = '2020-01-01T00:00:00Z' THEN 'due as it was'
                                               WHEN wake_up_at <= now() THEN 'due now' ELSE 'later' END
                FROM transit_grain_state ORDER BY grain_id
                """));
        // Nothing is listed until its shipment has written its listing.
        Assert.Equal(0L, (await ScalarsAsync<long>(db, "SELECT count(*) FROM transit_grain_state WHERE booked_at IS NOT NULL OR forwarder IS NOT NULL OR status IS NOT NULL")).Single());
    }

    [Fact]
    public async Task Leaves_versions_of_a_newer_build_alone()
    {
        var db = await databases.CreateAsync();
        await _migrator.MigrateAsync(db);
        await ExecuteAsync(db, "INSERT INTO transit_schema_migrations (version, name, checksum) VALUES (9999, '9999_future', 'x')");

        Assert.Equal(0, (await _migrator.MigrateAsync(db)).AppliedCount);
        Assert.Equal(SchemaState.Current, (await _migrator.CheckAsync(db)).State);
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<T>> ScalarsAsync<T>(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
