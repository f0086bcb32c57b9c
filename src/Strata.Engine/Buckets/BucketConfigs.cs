using Strata.Core;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine.Buckets;

/// <summary>The kinds of bucket configuration document kept in <c>bucket_configs</c>, one document per kind.</summary>
public static class BucketConfigKind
{
    public const string Cors = "cors";

    /// <summary>Block Public Access (PublicAccessBlockConfiguration); a new bucket starts with the server's default, if one is set.</summary>
    public const string PublicAccessBlock = "public-access-block";
    /// <summary>Object Lock: present once enabled (it cannot be turned off), in ObjectLockConfiguration's stored form.</summary>
    public const string ObjectLock = "object-lock";
    public const string Tagging = "tagging";
    /// <summary>The lifecycle configuration, as GetBucketLifecycleConfiguration returns it.</summary>
    public const string Lifecycle = "lifecycle";

    /// <summary>Present when the lifecycle configuration was set with a valid x-amz-mfa code (MFA Delete buckets).</summary>
    public const string LifecycleMfa = "lifecycle-mfa";

    /// <summary>The figures of the bucket's last lifecycle run (JSON, written by the server's lifecycle worker).</summary>
    public const string LifecycleStatus = "lifecycle-status";
    /// <summary>The bucket's ACL in StoredAcl form; none is private, owned by the bucket owner.</summary>
    public const string Acl = "acl";

    /// <summary>The replication configuration, in ReplicationConfiguration's stored (JSON) form.</summary>
    public const string Replication = "replication";

    /// <summary>The bucket's Object Ownership (BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter); none is no controls.</summary>
    public const string Ownership = "ownership";
}

/// <summary>Bucket configuration documents (CORS, and later tagging, lifecycle, …): one row per bucket and kind.</summary>
internal static class BucketConfigs
{
    /// <summary>The document, or null when the bucket has none of this kind; NoSuchBucket in one point read.</summary>
    public static string? Get(ReadSession session, BucketName bucket, string kind)
    {
        using var command = session.Command(
            "SELECT c.document FROM buckets b LEFT JOIN bucket_configs c ON c.bucket_id = b.id AND c.kind = $k WHERE b.name = $n")
            .With("$n", bucket.Value).With("$k", kind);
        using var r = command.ExecuteReader();
        if (!r.Read()) throw S3Fail.Exception(StrataError.NoSuchBucket);
        return r.IsDBNull(0) ? null : r.GetString(0);
    }

    /// <summary>Sets the bucket's document of this kind, replacing any; with null removes it (no error when there is none).</summary>
    public static bool Put(WriteTransaction tx, BucketName bucket, string kind, string? document)
    {
        var (id, _) = StackWrites.Bucket(tx, bucket);
        using var command = document is null
            ? tx.Command("DELETE FROM bucket_configs WHERE bucket_id = $b AND kind = $k").With("$b", id).With("$k", kind)
            : tx.Command("INSERT INTO bucket_configs(bucket_id, kind, document) VALUES($b, $k, $d) ON CONFLICT DO UPDATE SET document = excluded.document")
                .With("$b", id).With("$k", kind).With("$d", document);
        command.ExecuteNonQuery();
        return true;
    }
}
