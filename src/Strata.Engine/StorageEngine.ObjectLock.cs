using Strata.Core;
using Strata.Core.ObjectLock;
using Strata.Engine.Buckets;
using Strata.Engine.ObjectLock;

namespace Strata.Engine;

/// <summary>
/// Object Lock: the bucket's configuration, and a version's retention and legal hold. Every change is decided inside
/// its commit with the time of this engine's <see cref="TimeProvider"/>; permanent deletes check the lock there too.
/// </summary>
public sealed partial class StorageEngine
{
    /// <summary>The bucket's Object Lock configuration, or null when Object Lock is not enabled; throws NoSuchBucket.</summary>
    public ObjectLockConfiguration? GetObjectLockConfiguration(BucketName bucket)
    {
        using var session = Read();
        return BucketConfigs.Get(session, bucket, BucketConfigKind.ObjectLock) is { } document ? ObjectLockConfiguration.Deserialize(document) : null;
    }

    /// <summary>Enables Object Lock (for good) and sets or clears the default retention; InvalidBucketState unless versioning is Enabled.</summary>
    public Task PutObjectLockConfigurationAsync(BucketName bucket, ObjectLockConfiguration configuration) =>
        _committer.WriteAsync(tx => ObjectLockWrites.PutConfiguration(tx, bucket, configuration));

    /// <summary>Sets (or with null removes) a version's retention, as S3 allows the change; the latest version when no id is given.</summary>
    public Task PutObjectRetentionAsync(BucketName bucket, ObjectKey key, VersionId? versionId, ObjectRetention? retention, bool bypassGovernance)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx => ObjectLockWrites.PutRetention(tx, bucket, key, versionId, retention, bypassGovernance, now));
    }

    /// <summary>
    /// Is the version locked now: legal hold on, or a retain-until date in the future? The question lifecycle asks before
    /// it removes a version (its queries use the same <see cref="ObjectLockSql.LockedAt"/>); false for a version that does not exist.
    /// </summary>
    public bool IsVersionLocked(BucketName bucket, ObjectKey key, VersionId versionId)
    {
        using var session = Read();
        using var command = session.Command($"""
            SELECT {ObjectLockSql.LockedAt} FROM versions v JOIN buckets b ON b.id = v.bucket_id
            WHERE b.name = $n AND v.key = $k AND v.version_id = $v
            """)
            .With("$n", bucket.Value).With("$k", key.ToUtf8()).With("$v", versionId.Value).With("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        return command.ExecuteScalar() is long locked && locked != 0;
    }

    /// <summary>Turns a version's legal hold on or off; the latest version when no id is given.</summary>
    public Task PutObjectLegalHoldAsync(BucketName bucket, ObjectKey key, VersionId? versionId, bool on) =>
        _committer.WriteAsync(tx => ObjectLockWrites.PutLegalHold(tx, bucket, key, versionId, on));
}
