-- Grain snapshots, through Microsoft.Orleans.Persistence.AdoNet 10.4 with the Npgsql invariant.
--
-- Off the hot path: a grain writes its snapshot (its state folded from the journal up to a position) after many
-- entries, when idle and on deactivation; the journal (migration 0007) is the record, a snapshot only saves reading
-- it all again. Subscriptions and their registry write here directly: their writes are rare. The provider passes the
-- grain's identity as hashes plus the full key (@GrainIdHash, @GrainTypeHash, @GrainIdN0, @GrainIdN1,
-- @GrainTypeString, @GrainIdExtensionString, @ServiceId), the version it last read as @GrainStateVersion (NULL when
-- it never saw a row) and the serialized state as @PayloadBinary. It reads PayloadBinary and Version back, and treats
-- a missing or unchanged version as a conflict (InconsistentStateException). The storage serializer is Orleans'
-- binary one, so there are no JSON or XML payload columns.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    ServiceId              varchar(150) NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    -- NULL for integer and GUID keys without extension; the whole key for string-keyed grains.
    GrainIdExtensionString varchar(512) NULL,
    PayloadBinary          bytea        NULL,
    Version                integer      NOT NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    -- One index serves both purposes: it makes the insert race-free (ON CONFLICT) and, leading
    -- with the two hashes, it is the lookup path of every read, write and clear. NULLS NOT
    -- DISTINCT (PostgreSQL 15) makes two keys without extension collide as they should.
    CONSTRAINT OrleansStorage_Key UNIQUE NULLS NOT DISTINCT
        (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
)
-- Writes only change non-indexed columns; free room on each page lets PostgreSQL update in place
-- (HOT) without touching the index.
WITH (fillfactor = 80);

-- Snapshots above ~2 KB are compressed; lz4 costs a fraction of the CPU of the default pglz.
ALTER TABLE OrleansStorage ALTER COLUMN PayloadBinary SET COMPRESSION lz4;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadFromStorageKey', $sql$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$sql$),

-- One statement for both cases. With a version, only the row still at that version is updated;
-- without one, the row is inserted unless it already exists. Either way the new version comes
-- back, or no row at all, which the provider reports as a conflict.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, Version = Version + 1, ModifiedOn = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString,
         GrainIdExtensionString, PayloadBinary, Version)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainIdN0, @GrainIdN1, @GrainTypeString,
           @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version
)
SELECT Version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT Version FROM inserted;
$sql$),

-- Clearing keeps the row with a new version, so an activation holding the old version cannot
-- write over the cleared state afterwards.
('ClearStorageKey', $sql$
UPDATE OrleansStorage
SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = now()
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$sql$),

-- Used instead of ClearStorageKey when DeleteStateOnClear is set. It answers a version different
-- from the one given, which is what the provider takes as success.
('DeleteStorageKey', $sql$
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$sql$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
