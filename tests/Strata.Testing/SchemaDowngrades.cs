namespace Strata.Testing;

/// <summary>
/// SQL that takes a data directory back to an earlier schema, for the tests that open one written by a previous
/// release. A test that goes back to schema N runs the undo of every migration after N, newest first.
/// </summary>
public static class SchemaDowngrades
{
    /// <summary>Undoes migration 9 (Object Lock's columns on versions and uploads).</summary>
    public const string UndoObjectLock = """
        ALTER TABLE versions DROP COLUMN lock_mode;
        ALTER TABLE versions DROP COLUMN lock_until_ms;
        ALTER TABLE versions DROP COLUMN legal_hold;
        ALTER TABLE uploads DROP COLUMN lock_mode;
        ALTER TABLE uploads DROP COLUMN lock_until_ms;
        ALTER TABLE uploads DROP COLUMN legal_hold;
        DELETE FROM bucket_configs WHERE kind = 'object-lock';

        """;
}
