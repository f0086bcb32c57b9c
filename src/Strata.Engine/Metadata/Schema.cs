using Microsoft.Data.Sqlite;

namespace Strata.Engine.Metadata;

/// <summary>
/// The metadata schema. Each key has a stack of versions ordered by <c>seq</c> (commit order);
/// <c>current</c> lists only keys whose newest version is an object, so plain listings never read
/// noncurrent versions or delete markers. Each change to the schema is a numbered migration.
/// </summary>
internal static class Schema
{
    public const int Version = 15;

    private static readonly string[] Migrations =
    [
        // 1: buckets, versions, current
        """
        CREATE TABLE buckets(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL,
            region TEXT NOT NULL,
            versioning INTEGER NOT NULL DEFAULT 0,
            mfa_delete INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE versions(
            seq INTEGER PRIMARY KEY,
            bucket_id INTEGER NOT NULL,
            key BLOB NOT NULL,
            version_id TEXT NOT NULL,
            is_marker INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            modified_ms INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum TEXT,
            blob_id TEXT,
            inline BLOB
        );
        CREATE INDEX versions_stack ON versions(bucket_id, key, seq DESC);
        CREATE UNIQUE INDEX versions_id ON versions(bucket_id, key, version_id);
        CREATE INDEX versions_blob ON versions(blob_id) WHERE blob_id IS NOT NULL;
        CREATE TABLE current(
            bucket_id INTEGER NOT NULL,
            key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY(bucket_id, key)
        ) WITHOUT ROWID;
        """,
        // 2: multipart uploads. Parts are blob files; completion moves their rows to version_parts
        // (the object's content is the parts in order), so no byte is copied. A version with parts has
        // parts_count > 0 and no blob of its own.
        """
        CREATE TABLE uploads(
            id INTEGER PRIMARY KEY,
            upload_id TEXT NOT NULL UNIQUE,
            bucket_id INTEGER NOT NULL,
            key BLOB NOT NULL,
            initiated_ms INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum_algorithm TEXT
        );
        CREATE INDEX uploads_by_key ON uploads(bucket_id, key, initiated_ms);
        CREATE TABLE parts(
            upload INTEGER NOT NULL,
            part_number INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            checksum TEXT,
            modified_ms INTEGER NOT NULL,
            blob_id TEXT,
            inline BLOB,
            PRIMARY KEY(upload, part_number)
        );
        CREATE INDEX parts_blob ON parts(blob_id) WHERE blob_id IS NOT NULL;
        ALTER TABLE versions ADD COLUMN parts_count INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE version_parts(
            seq INTEGER NOT NULL,
            part_number INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            size INTEGER NOT NULL,
            blob_id TEXT,
            inline BLOB,
            PRIMARY KEY(seq, part_number)
        );
        CREATE INDEX version_parts_blob ON version_parts(blob_id) WHERE blob_id IS NOT NULL;
        """,
        // 3: identities. Secret access keys are stored encrypted (AES-GCM) with a key kept outside the
        // database (secret.key, mode 0600), since SigV4 needs the secret itself.
        """
        CREATE TABLE users(name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);
        CREATE TABLE access_keys(
            access_key_id TEXT PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES users(name),
            secret BLOB NOT NULL,
            active INTEGER NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE user_policies(
            user_name TEXT NOT NULL REFERENCES users(name),
            policy_name TEXT NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY(user_name, policy_name)
        );
        CREATE TABLE bucket_policies(bucket_id INTEGER PRIMARY KEY, document TEXT NOT NULL);
        CREATE TABLE mfa_devices(serial TEXT PRIMARY KEY, secret BLOB NOT NULL, created_ms INTEGER NOT NULL);
        """,
        // 4: the last TOTP time step each MFA device has authorized, so a code stays used across a restart.
        """
        ALTER TABLE mfa_devices ADD COLUMN last_step INTEGER NOT NULL DEFAULT -1;
        """,
        // 5: how many 30 s steps an MFA device's clock runs ahead of (or behind) the server's, set by a resync.
        """
        ALTER TABLE mfa_devices ADD COLUMN drift_steps INTEGER NOT NULL DEFAULT 0;
        """,
        // 6: completed multipart uploads, kept a day so that a CompleteMultipartUpload sent again (a client that
        // lost the first answer) gets the same answer, as S3 gives it. parts is the completed list "N:etag,...".
        """
        CREATE TABLE completed_uploads(
            upload_id TEXT PRIMARY KEY,
            bucket_id INTEGER NOT NULL,
            key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            parts TEXT NOT NULL,
            completed_ms INTEGER NOT NULL
        );
        CREATE INDEX completed_uploads_age ON completed_uploads(completed_ms);
        """,
        // 7: bucket configuration documents, one per kind ("cors"; later tagging, lifecycle, object lock, public
        // access block, ownership), stored as the server writes them back. Removed with their bucket.
        """
        CREATE TABLE bucket_configs(bucket_id INTEGER NOT NULL, kind TEXT NOT NULL, document TEXT NOT NULL, PRIMARY KEY(bucket_id, kind)) WITHOUT ROWID;
        """,
        // 8: checksums as S3 has them since 2025. An upload's checksum type (COMPOSITE or FULL_OBJECT, from
        // CreateMultipartUpload) and each part's checksum kept with the completed object, for GetObjectAttributes'
        // ObjectParts and GET ?partNumber=N. An object's own type follows from its value: a composite ends "-N".
        """
        ALTER TABLE uploads ADD COLUMN checksum_type TEXT;
        ALTER TABLE version_parts ADD COLUMN checksum TEXT;
        """,
        // 9: server-wide settings the administrator sets, one row per
        // name; "default-public-access-block" is copied into each new bucket's bucket_configs at CreateBucket.
        """
        CREATE TABLE server_settings(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        """,
        // 10: Object Lock. A version's retention (mode GOVERNANCE or COMPLIANCE, until a time in ms) and legal hold (NULL never set, 0 OFF, 1 ON); an upload carries the same three
        // to the object its completion makes. "Locked now" is one indexed-row test: see ObjectLockSql.LockedAt.
        """
        ALTER TABLE versions ADD COLUMN lock_mode TEXT;
        ALTER TABLE versions ADD COLUMN lock_until_ms INTEGER;
        ALTER TABLE versions ADD COLUMN legal_hold INTEGER;
        ALTER TABLE uploads ADD COLUMN lock_mode TEXT;
        ALTER TABLE uploads ADD COLUMN lock_until_ms INTEGER;
        ALTER TABLE uploads ADD COLUMN legal_hold INTEGER;
        """,
        // 11: accounts besides the server's own. The server's own account (its root user from STRATA_ROOT_* or
        // root-credentials.json, and its IAM users) has no row: a bucket whose owner is NULL is its, so every bucket
        // made before this migration stays where it was. Another account has its root key only, the secret sealed
        // as access_keys' are. buckets.owner is the owning account's 12-digit id.
        """
        CREATE TABLE accounts(
            name TEXT PRIMARY KEY,
            account_id TEXT NOT NULL UNIQUE,
            canonical_id TEXT NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL,
            access_key_id TEXT NOT NULL UNIQUE,
            secret BLOB NOT NULL
        );
        ALTER TABLE buckets ADD COLUMN owner TEXT;
        CREATE INDEX buckets_owner ON buckets(owner) WHERE owner IS NOT NULL;
        """,
        // 12: ACLs. An object version's ACL and an upload's (given to the object it completes), in StoredAcl's compact
        // form: the owner's id, then one grant a line. NULL is private, owned by the bucket owner.
        """
        ALTER TABLE versions ADD COLUMN acl TEXT;
        ALTER TABLE uploads ADD COLUMN acl TEXT;
        """,
        // 13: tagging. A version's tags, and an upload's from x-amz-tagging until completion, in TagSet's stored
        // form ("k=v&k2=v2", percent-encoded); NULL for none. PutObjectTagging rewrites this column only.
        """
        ALTER TABLE versions ADD COLUMN tags TEXT;
        ALTER TABLE uploads ADD COLUMN tags TEXT;
        """,
        // 14: scrubbing. Each stored body's BodyHash (XXH128, 16 bytes) computed on write: a version's own body, an uploaded
        // part's, a completed object's parts'; NULL for bodies written before, which the first scrub fills in. scrub_findings
        // holds what the last scrub (or a GET) found damaged or missing, by version and part (0: the version's own body), so
        // a GET refuses such a version at once; scrub_runs the last run's figures per scope ('' every bucket, else a name).
        """
        ALTER TABLE versions ADD COLUMN body_hash BLOB;
        ALTER TABLE parts ADD COLUMN body_hash BLOB;
        ALTER TABLE version_parts ADD COLUMN body_hash BLOB;
        CREATE TABLE scrub_findings(
            seq INTEGER NOT NULL,
            part_number INTEGER NOT NULL,
            bucket TEXT NOT NULL,
            key BLOB NOT NULL,
            version_id TEXT NOT NULL,
            modified_ms INTEGER NOT NULL,
            problem TEXT NOT NULL,
            detail TEXT NOT NULL,
            found_ms INTEGER NOT NULL,
            PRIMARY KEY(seq, part_number)
        );
        CREATE TABLE scrub_runs(
            scope TEXT PRIMARY KEY,
            started_ms INTEGER NOT NULL,
            finished_ms INTEGER NOT NULL,
            versions INTEGER NOT NULL,
            parts INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            hashes_added INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 15: replication. Each version or delete marker a bucket's replication rule sends is queued in replication_outbox in
        // the transaction that commits it, and leaves when the destination has it; replication_status holds a version's
        // x-amz-replication-status (PENDING, COMPLETED, FAILED; REPLICA for a version written by replication). remotes are
        // the targets of `strata admin remote add`, the secret sealed as access_keys' are.
        """
        CREATE TABLE replication_outbox(
            id INTEGER PRIMARY KEY,
            bucket_id INTEGER NOT NULL,
            key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            version_id TEXT NOT NULL,
            is_marker INTEGER NOT NULL,
            size INTEGER NOT NULL,
            rule TEXT NOT NULL,
            destination TEXT NOT NULL,
            queued_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_ms INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX replication_outbox_key ON replication_outbox(bucket_id, key, id);
        CREATE INDEX replication_outbox_seq ON replication_outbox(seq);
        CREATE TABLE replication_status(seq INTEGER PRIMARY KEY, status TEXT NOT NULL);
        CREATE TABLE remotes(
            name TEXT PRIMARY KEY,
            endpoint TEXT NOT NULL,
            region TEXT NOT NULL,
            path_style INTEGER NOT NULL,
            ca_bundle TEXT,
            access_key_id TEXT NOT NULL,
            secret BLOB NOT NULL,
            created_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
    ];

    public static void Migrate(SqliteConnection connection)
    {
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        var current = UserVersion(connection);
        if (current > Version)
        {
            // Opening it would be a downgrade: refused before anything is written, so the newer build still can.
            throw new DataDirectoryRefusedException(
                $"The data directory was written by a newer Strata (schema {current}; this build knows schema {Version} and older). Run that version or a newer one.");
        }
        for (var next = current + 1; next <= Version; next++)
        {
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = Migrations[next - 1] + $"\nPRAGMA user_version = {next};";
            command.ExecuteNonQuery();
            tx.Commit();
        }
    }

    private static int UserVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar());
    }
}
