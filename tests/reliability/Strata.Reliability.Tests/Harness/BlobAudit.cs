using Microsoft.Data.Sqlite;

namespace Strata.Reliability.Tests.Harness;

/// <summary>What the blob files of a stopped server's data directory are, against what metadata.db references.</summary>
internal sealed record BlobAuditResult(int Files, int Referenced, List<string> Unreferenced, List<string> Missing);

/// <summary>
/// With the server stopped: every file under DATA/blobs/ against the blob ids metadata.db references (opened
/// read-only). Schema 2 references blobs from three tables (src/Strata.Engine/Metadata/Schema.cs): a version's
/// own body (<c>versions</c>), a part of an upload in progress (<c>parts</c>) and a part of a completed
/// multipart object (<c>version_parts</c>). A file none of them names is an orphan; a name without a file is
/// a lost body.
/// </summary>
internal static class BlobAudit
{
    private const string ReferencedIds = """
        SELECT blob_id FROM versions WHERE blob_id IS NOT NULL
        UNION ALL SELECT blob_id FROM parts WHERE blob_id IS NOT NULL
        UNION ALL SELECT blob_id FROM version_parts WHERE blob_id IS NOT NULL
        """;

    public static BlobAuditResult Run(Sandbox sandbox)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var database = Path.Combine(sandbox.DataDirectory, "metadata.db");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            connection.Open();
            using var version = connection.CreateCommand();
            version.CommandText = "PRAGMA user_version;";
            var schema = Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            // Schema 2 added the multipart tables that reference blobs; 3 added identities, 4 the MFA devices'
            // last used step, 5 their clock drift, 6 the record of completed uploads, 7 the bucket configuration
            // documents, 8 the checksum columns, 9 the server-wide settings, 10 the Object Lock columns, 11 the accounts,
            // 12 the ACL columns, 13 the tags columns, 14 the body hashes and scrub findings (by version, not by blob) and 15 the
            // replication tables, which reference none. A later schema must be checked here: it may reference blobs.
            Assert.True(schema is >= 2 and <= 15, $"metadata.db has schema version {schema}; this audit knows the blob references of schemas 2 to 15");
            using var command = connection.CreateCommand();
            command.CommandText = ReferencedIds;
            using var reader = command.ExecuteReader();
            while (reader.Read()) referenced.Add(reader.GetString(0));
        }
        var files = sandbox.BlobFiles();
        var present = new HashSet<string>(files, StringComparer.Ordinal);
        return new BlobAuditResult(files.Count, referenced.Count, files.Where(f => !referenced.Contains(f)).ToList(),
            referenced.Where(r => !present.Contains(r)).ToList());
    }

    /// <summary>Asserts no orphan and no lost blob file; returns the audit for the figures.</summary>
    public static BlobAuditResult AssertClean(Sandbox sandbox)
    {
        var audit = Run(sandbox);
        Assert.True(audit.Unreferenced.Count == 0, $"{audit.Unreferenced.Count} blob file(s) no metadata row references: {string.Join(", ", audit.Unreferenced.Take(20))}");
        Assert.True(audit.Missing.Count == 0, $"{audit.Missing.Count} metadata row(s) whose blob file is missing: {string.Join(", ", audit.Missing.Take(20))}");
        return audit;
    }
}
