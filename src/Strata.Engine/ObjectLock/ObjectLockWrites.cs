using Strata.Core;
using Strata.Core.ObjectLock;
using Strata.Engine.Buckets;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine.ObjectLock;

/// <summary>
/// Object Lock inside the committer's transaction: the bucket's configuration and a version's lock are read where
/// they are changed or relied on, so no write slips between the check and the act (a delete cannot race a new hold).
/// </summary>
internal static class ObjectLockWrites
{
    public static ObjectLockConfiguration? Configuration(WriteTransaction tx, long bucketId)
    {
        using var command = tx.Command("SELECT document FROM bucket_configs WHERE bucket_id = $b AND kind = $k")
            .With("$b", bucketId).With("$k", BucketConfigKind.ObjectLock);
        return command.ExecuteScalar() is string document ? ObjectLockConfiguration.Deserialize(document) : null;
    }

    public static void SetConfiguration(WriteTransaction tx, long bucketId, ObjectLockConfiguration configuration)
    {
        using var command = tx.Command("INSERT INTO bucket_configs(bucket_id, kind, document) VALUES($b, $k, $d) ON CONFLICT DO UPDATE SET document = excluded.document")
            .With("$b", bucketId).With("$k", BucketConfigKind.ObjectLock).With("$d", configuration.Serialize());
        command.ExecuteNonQuery();
    }

    /// <summary>PutObjectLockConfiguration: S3 enables Object Lock only on a bucket whose versioning is Enabled.</summary>
    public static bool PutConfiguration(WriteTransaction tx, BucketName bucket, ObjectLockConfiguration configuration)
    {
        var (id, state) = StackWrites.Bucket(tx, bucket);
        if (state != VersioningState.Enabled)
        {
            S3Fail.With(StrataError.InvalidBucketState, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
        }
        SetConfiguration(tx, id, configuration);
        return true;
    }

    /// <summary>
    /// The lock of a version about to be pushed. Only an Enabled bucket can have Object Lock (it cannot be suspended
    /// once it has), so other buckets skip the configuration's read.
    /// </summary>
    public static ObjectLockState ForNewVersion(WriteTransaction tx, long bucketId, VersioningState state, ObjectLockState? requested, DateTimeOffset now)
    {
        var configuration = state == VersioningState.Enabled ? Configuration(tx, bucketId) : null;
        var (lockState, refusal) = ObjectLockRules.ForNewVersion(configuration, requested ?? ObjectLockState.None, now);
        if (refusal is not null) S3Fail.With(refusal.Error, refusal.Message);
        return lockState;
    }

    public static void Apply(WriteTransaction tx, long seq, ObjectLockState state)
    {
        using var command = tx.Command("UPDATE versions SET lock_mode = $lm, lock_until_ms = $lu, legal_hold = $lh WHERE seq = $s").With("$s", seq).WithLock(state);
        command.ExecuteNonQuery();
    }

    /// <summary>Refuses (AccessDenied) the permanent removal of a locked version; a version that does not exist is not locked.</summary>
    public static void CheckPermanentDelete(WriteTransaction tx, long bucketId, byte[] key, VersionId versionId, bool bypassGovernance, DateTimeOffset now)
    {
        using var command = tx.Command("SELECT lock_mode, lock_until_ms, legal_hold FROM versions WHERE bucket_id = $b AND key = $k AND version_id = $v")
            .With("$b", bucketId).With("$k", key).With("$v", versionId.Value);
        using var r = command.ExecuteReader();
        if (!r.Read()) return;
        if (ObjectLockRules.PermanentDelete(ObjectLockSql.Read(r, 0), bypassGovernance, now) is { } refusal) S3Fail.With(refusal.Error, refusal.Message);
    }

    /// <summary>PutObjectRetention: <paramref name="retention"/> null removes it (GOVERNANCE with a bypass, or once passed).</summary>
    public static bool PutRetention(WriteTransaction tx, BucketName bucket, ObjectKey key, VersionId? versionId, ObjectRetention? retention,
        bool bypassGovernance, DateTimeOffset now)
    {
        var target = Target(tx, bucket, key, versionId);
        if (ObjectLockRules.RetentionChange(target.Lock.Retention, retention, bypassGovernance, now) is { } refusal) S3Fail.With(refusal.Error, refusal.Message);
        Apply(tx, target.Seq, target.Lock with { Retention = retention });
        return true;
    }

    /// <summary>PutObjectLegalHold: anyone allowed s3:PutObjectLegalHold may set it ON or OFF; no mode or date applies.</summary>
    public static bool PutLegalHold(WriteTransaction tx, BucketName bucket, ObjectKey key, VersionId? versionId, bool on)
    {
        var target = Target(tx, bucket, key, versionId);
        Apply(tx, target.Seq, target.Lock with { LegalHold = on });
        return true;
    }

    /// <summary>The version a retention or legal hold request names: the latest when no id is given.</summary>
    private static ObjectVersion Target(WriteTransaction tx, BucketName bucket, ObjectKey key, VersionId? versionId)
    {
        var (bucketId, _) = StackWrites.Bucket(tx, bucket);
        if (Configuration(tx, bucketId) is null) S3Fail.With(StrataError.InvalidRequest, ObjectLockRules.MissingConfiguration);
        var keyBytes = key.ToUtf8();
        using var command = tx.Command(versionId is null
            ? $"SELECT {Rows.VersionColumns} FROM versions v WHERE bucket_id = $b AND key = $k ORDER BY seq DESC LIMIT 1"
            : $"SELECT {Rows.VersionColumns} FROM versions v WHERE bucket_id = $b AND key = $k AND version_id = $v");
        command.With("$b", bucketId).With("$k", keyBytes);
        if (versionId is { } id) command.With("$v", id.Value);
        using var r = command.ExecuteReader();
        var found = r.Read() ? Rows.ReadVersion(r, keyBytes) : null;
        if (found is null || (found.IsDeleteMarker && versionId is null)) throw S3Fail.Exception(versionId is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
        // S3: a delete marker has no data to protect; naming one is a method it does not allow.
        if (found.IsDeleteMarker) S3Fail.With(StrataError.MethodNotAllowed);
        return found;
    }
}
