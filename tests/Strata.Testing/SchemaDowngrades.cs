namespace Strata.Testing;

/// <summary>
/// SQL that takes a data directory back to an earlier schema, for the tests that open one written by a previous
/// release. Each migration that a test may need to undo has its undo here; <see cref="To"/> runs the undo of
/// every migration after the target, newest first, and sets the schema version.
/// </summary>
public static class SchemaDowngrades
{
    private static readonly SortedDictionary<int, string> Undo = new()
    {
        // 2..6 for the upgrade test from every schema (Strata.Server.Tests/UpgradeFromEverySchema). Undoing 2 assumes
        // no completed multipart object: schema 1 could not hold one.
        [2] = """
            DROP TABLE uploads;
            DROP TABLE parts;
            DROP TABLE version_parts;
            ALTER TABLE versions DROP COLUMN parts_count;
            """,
        [3] = """
            DROP TABLE access_keys;
            DROP TABLE user_policies;
            DROP TABLE users;
            DROP TABLE bucket_policies;
            DROP TABLE mfa_devices;
            """,
        [4] = "ALTER TABLE mfa_devices DROP COLUMN last_step;",
        [5] = "ALTER TABLE mfa_devices DROP COLUMN drift_steps;",
        [6] = "DROP TABLE completed_uploads;",
        [7] = "DROP TABLE bucket_configs;",
        [8] = """
            UPDATE version_parts SET checksum = NULL;
            ALTER TABLE uploads DROP COLUMN checksum_type;
            ALTER TABLE version_parts DROP COLUMN checksum;
            """,
        [9] = "DROP TABLE server_settings;",
        [10] = """
            ALTER TABLE versions DROP COLUMN lock_mode;
            ALTER TABLE versions DROP COLUMN lock_until_ms;
            ALTER TABLE versions DROP COLUMN legal_hold;
            ALTER TABLE uploads DROP COLUMN lock_mode;
            ALTER TABLE uploads DROP COLUMN lock_until_ms;
            ALTER TABLE uploads DROP COLUMN legal_hold;
            DELETE FROM bucket_configs WHERE kind = 'object-lock';
            """,
        [11] = """
            DROP TABLE accounts;
            DROP INDEX buckets_owner;
            ALTER TABLE buckets DROP COLUMN owner;
            """,
        [12] = """
            ALTER TABLE versions DROP COLUMN acl;
            ALTER TABLE uploads DROP COLUMN acl;
            DELETE FROM bucket_configs WHERE kind IN ('acl', 'ownership');
            """,
        [13] = """
            ALTER TABLE versions DROP COLUMN tags;
            ALTER TABLE uploads DROP COLUMN tags;
            DELETE FROM bucket_configs WHERE kind = 'tagging';
            """,
        [14] = """
            DROP TABLE scrub_findings;
            DROP TABLE scrub_runs;
            ALTER TABLE versions DROP COLUMN body_hash;
            ALTER TABLE parts DROP COLUMN body_hash;
            ALTER TABLE version_parts DROP COLUMN body_hash;
            """,
        [15] = """
            DROP TABLE replication_outbox;
            DROP TABLE replication_status;
            DROP TABLE remotes;
            DELETE FROM bucket_configs WHERE kind = 'replication';
            """,
    };

    /// <summary>The newest schema this file can undo: the current one, when every migration has its undo here.</summary>
    public static int Newest => Undo.Keys.Max();

    /// <summary>The SQL that takes the newest schema back to <paramref name="version"/>.</summary>
    public static string To(int version)
    {
        if (version < 1) throw new ArgumentOutOfRangeException(nameof(version), "schema 1 is the oldest");
        var steps = Undo.Where(step => step.Key > version).OrderByDescending(step => step.Key).Select(step => step.Value);
        return string.Join("\n", steps) + $"\nPRAGMA user_version = {version};";
    }
}
