using Strata.Core;
using Strata.Engine.Buckets;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine;

/// <summary>An object version's ACL (versions.acl): read per version, replaced without touching the bytes.</summary>
public sealed partial class StorageEngine
{
    /// <summary>
    /// The version (the newest when <paramref name="versionId"/> is null) and its stored ACL (null: private, owned by the
    /// bucket owner). The version is null when there is none; throws NoSuchBucket.
    /// </summary>
    public (ObjectVersion? Version, string? Acl) GetObjectAcl(BucketName bucket, ObjectKey key, VersionId? versionId)
    {
        var (_, version, acl, _) = FindVersionWithAcl(bucket, key, versionId);
        return (version, acl);
    }

    /// <summary>
    /// Replaces the ACL of one version (the newest when <paramref name="versionId"/> is null) in one commit with what
    /// <paramref name="decide"/> makes of the version and its current ACL inside that commit (it throws to refuse).
    /// NoSuchKey / NoSuchVersion when there is no such version.
    /// </summary>
    public Task PutObjectAclAsync(BucketName bucket, ObjectKey key, VersionId? versionId, Func<ObjectVersion, string?, string?> decide) =>
        _committer.WriteAsync(tx =>
        {
            var (bucketId, _) = StackWrites.Bucket(tx, bucket);
            var keyBytes = key.ToUtf8();
            using var find = tx.Command(versionId is null
                ? $"SELECT {Rows.VersionColumns}, v.acl FROM versions v WHERE bucket_id = $b AND key = $k ORDER BY seq DESC LIMIT 1"
                : $"SELECT {Rows.VersionColumns}, v.acl FROM versions v WHERE bucket_id = $b AND key = $k AND version_id = $v");
            find.With("$b", bucketId).With("$k", keyBytes);
            if (versionId is { } id) find.With("$v", id.Value);
            ObjectVersion version;
            string? current;
            using (var r = find.ExecuteReader())
            {
                if (!r.Read()) throw S3Fail.Exception(versionId is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
                version = Rows.ReadVersion(r, keyBytes);
                current = r.IsDBNull(Rows.VersionColumnCount) ? null : r.GetString(Rows.VersionColumnCount);
            }
            var acl = decide(version, current);
            using var update = tx.Command("UPDATE versions SET acl = $a WHERE seq = $s").With("$a", acl).With("$s", version.Seq);
            update.ExecuteNonQuery();
            return true;
        });
}
