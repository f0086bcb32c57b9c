using Strata.Engine.Buckets;
using Strata.Engine.Metadata;

namespace Strata.Engine.Settings;

/// <summary>The names of the server-wide settings kept in <c>server_settings</c>.</summary>
public static class ServerSettingName
{
    /// <summary>The PublicAccessBlockConfiguration document each new bucket starts with; none set, new buckets have none.</summary>
    public const string DefaultPublicAccessBlock = "default-public-access-block";
}

/// <summary>Server-wide settings, one row per name, set by the administrator through the admin API.</summary>
internal static class SettingRows
{
    // Setting name → the bucket configuration kind it is the default of.
    private static readonly (string Setting, string Kind)[] BucketDefaults =
        [(ServerSettingName.DefaultPublicAccessBlock, BucketConfigKind.PublicAccessBlock)];

    public static string? Get(ReadSession session, string name)
    {
        using var command = session.Command("SELECT value FROM server_settings WHERE name = $n").With("$n", name);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Sets the setting, or with null removes it; buckets that already exist keep their own configuration.</summary>
    public static bool Put(WriteTransaction tx, string name, string? value)
    {
        using var command = value is null
            ? tx.Command("DELETE FROM server_settings WHERE name = $n").With("$n", name)
            : tx.Command("INSERT INTO server_settings(name, value) VALUES($n, $v) ON CONFLICT DO UPDATE SET value = excluded.value")
                .With("$n", name).With("$v", value);
        command.ExecuteNonQuery();
        return true;
    }

    /// <summary>In CreateBucket's transaction: the new bucket's configurations start as the server's defaults.</summary>
    public static void CopyBucketDefaults(WriteTransaction tx, long bucketId)
    {
        foreach (var (setting, kind) in BucketDefaults)
        {
            using var command = tx.Command(
                "INSERT INTO bucket_configs(bucket_id, kind, document) SELECT $b, $k, value FROM server_settings WHERE name = $n")
                .With("$b", bucketId).With("$k", kind).With("$n", setting);
            command.ExecuteNonQuery();
        }
    }
}
