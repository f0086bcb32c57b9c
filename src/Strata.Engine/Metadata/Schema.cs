using Microsoft.Data.Sqlite;

namespace Strata.Engine.Metadata;

/// <summary>
/// The metadata schema. Each key has a stack of versions ordered by <c>seq</c> (commit order);
/// <c>current</c> lists only keys whose newest version is an object, so plain listings never read
/// noncurrent versions or delete markers. Each change to the schema is a numbered migration.
/// </summary>
internal static class Schema
{
    public const int Version = 1;

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
            throw new InvalidOperationException($"The data directory was written by a newer Strata (schema {current}, this build knows {Version}).");
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
