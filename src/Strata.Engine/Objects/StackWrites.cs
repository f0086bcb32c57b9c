using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Diagnostics;
using Strata.Engine.Metadata;
using Strata.Engine.ObjectLock;
using Strata.Engine.Replication;

namespace Strata.Engine.Objects;

/// <summary>
/// The writes that change a key's version stack, each run inside the committer's transaction: bucket
/// settings and the stack are read there, Core's <see cref="VersionStack"/> decides, and the rows follow.
/// </summary>
internal static class StackWrites
{
    public static (long Id, VersioningState State) Bucket(WriteTransaction tx, BucketName bucket)
    {
        var (id, state, _) = BucketSettings(tx, bucket);
        return (id, state);
    }

    /// <summary>The bucket's id and settings, read inside the write's transaction so no change can slip between.</summary>
    public static (long Id, VersioningState State, MfaDeleteState MfaDelete) BucketSettings(WriteTransaction tx, BucketName bucket)
    {
        using var command = tx.Command("SELECT id, versioning, mfa_delete FROM buckets WHERE name = $name").With("$name", bucket.Value);
        using var r = command.ExecuteReader();
        if (!r.Read()) throw S3Fail.Exception(StrataError.NoSuchBucket);
        return (r.GetInt64(0), (VersioningState)r.GetInt64(1), (MfaDeleteState)r.GetInt64(2));
    }

    public static ObjectVersion? Latest(WriteTransaction tx, long bucketId, byte[] key)
    {
        using var command = tx.Command($"SELECT {Rows.VersionColumns} FROM versions v WHERE bucket_id = $b AND key = $k ORDER BY seq DESC LIMIT 1")
            .With("$b", bucketId).With("$k", key);
        using var r = command.ExecuteReader();
        return r.Read() ? Rows.ReadVersion(r, key) : null;
    }

    public static PutObjectResult Put(WriteTransaction tx, BlobStore blobs, PutObjectCommand put, BlobContent content, DateTimeOffset now) =>
        Push(tx, blobs, put, ETag.FromMd5(content.Md5), content.Length, content.BlobId, content.Inline, partsCount: 0, now, content.BodyHash).Result;

    /// <summary>Pushes an object version on top of the key's stack (PUT, copy, multipart completion alike).</summary>
    /// <param name="bodyHash">The body's <see cref="BodyHash"/>; null for a multipart object, whose parts keep theirs.</param>
    public static (PutObjectResult Result, long Seq) Push(WriteTransaction tx, BlobStore blobs, PutObjectCommand put, string etag, long size,
        string? blobId, byte[]? inline, int partsCount, DateTimeOffset now, byte[]? bodyHash = null)
    {
        var (bucketId, state) = Bucket(tx, put.Bucket);
        var key = put.Key.ToUtf8();
        if (put.Conditions is { } conditions) CheckWritePreconditions(tx, bucketId, key, conditions);

        var lockState = ObjectLockWrites.ForNewVersion(tx, bucketId, state, put.Lock, now);
        var decision = VersionStack.Put(state);
        var replaced = decision.ReplacesNullVersion ? RemoveVersion(tx, blobs, bucketId, key, VersionId.Null) : null;
        var (seq, wasCurrent) = Insert(tx, bucketId, key, decision.NewVersion, isMarker: false, size, etag, now,
            put.Headers.Serialize(), put.Checksum?.Serialize(), blobId, inline, partsCount, put.Acl, put.Tags.Serialize(), bodyHash);
        if (!lockState.IsEmpty) ObjectLockWrites.Apply(tx, seq, lockState);
        SetCurrent(tx, bucketId, key, seq);
        ReplicationOutbox.OnNewVersion(tx, bucketId, put.Key, key, seq, decision.NewVersion, isDeleteMarker: false, size, put.Tags, put.IsReplica, now);
        blobs.Figures.Record(tx, bucketId, new BucketDelta(Versions: 1, Bytes: size) + BucketDelta.CurrentChanged(wasCurrent.SizeAfter(replaced), size));
        return (new PutObjectResult(decision.NewVersion, etag, now, state), seq);
    }

    // S3: If-None-Match: * fails with 412 when the key has a current object; If-Match fails with 404 when
    // there is none and 412 when its ETag differs. Checked inside the commit, so no racing writer slips between.
    private static void CheckWritePreconditions(WriteTransaction tx, long bucketId, byte[] key, WriteConditions conditions)
    {
        var latest = Latest(tx, bucketId, key);
        var exists = latest is { IsDeleteMarker: false };
        if (conditions.IfNoneMatchAny && exists) S3Fail.With(StrataError.PreconditionFailed);
        if (conditions.IfMatch is not null)
        {
            if (!exists) S3Fail.With(StrataError.NoSuchKey);
            if (!Preconditions.ETagListMatches(conditions.IfMatch, latest!.ETag)) S3Fail.With(StrataError.PreconditionFailed);
        }
    }

    public static DeleteObjectResult Delete(WriteTransaction tx, BlobStore blobs, DeleteObjectCommand delete, DateTimeOffset now)
    {
        var (bucketId, state, mfaDelete) = BucketSettings(tx, delete.Bucket);
        var key = delete.Key.ToUtf8();
        // S3's conditional delete: evaluated against the current version, in this commit, as a write's If-Match is.
        if (delete.IfMatch is { } ifMatch) CheckWritePreconditions(tx, bucketId, key, new WriteConditions(ifMatch, IfNoneMatchAny: false));
        switch (VersionStack.Delete(state, mfaDelete, delete.VersionId, delete.MfaVerified))
        {
            case DeleteDecision.Refuse(var error, var message):
                throw S3Fail.Exception(error, message);
            case DeleteDecision.RemoveVersion(var id):
                {
                    // S3 Object Lock: a version under retention or legal hold is never removed for good, checked here
                    // in the commit that would remove it.
                    ObjectLockWrites.CheckPermanentDelete(tx, bucketId, key, id, delete.BypassGovernance, now);
                    // S3: deleting a version that does not exist succeeds and echoes the id.
                    var removed = RemoveVersion(tx, blobs, bucketId, key, id);
                    var top = RefreshCurrent(tx, bucketId, key);
                    // The removed version was the top when nothing newer is left: the key's current object changes.
                    if (removed is not null && (top is null || top.Seq < removed.Seq))
                    {
                        blobs.Figures.Record(tx, bucketId, BucketDelta.CurrentChanged(removed.IsDeleteMarker ? null : removed.Size, top is { IsDeleteMarker: false } ? top.Size : null));
                    }
                    return new DeleteObjectResult(id, removed?.IsDeleteMarker ?? false);
                }
            case DeleteDecision.AddMarker(var marker):
                {
                    var (markerSeq, wasCurrent) = Insert(tx, bucketId, key, marker, isMarker: true, 0, "", now, "", null, null, null);
                    ClearCurrent(tx, bucketId, key);
                    if (!delete.FromLifecycle)
                    {
                        ReplicationOutbox.OnNewVersion(tx, bucketId, delete.Key, key, markerSeq, marker, isDeleteMarker: true, 0, Core.Tagging.TagSet.Empty,
                            delete.IsReplica, now);
                    }
                    blobs.Figures.Record(tx, bucketId, new BucketDelta(Markers: 1) + BucketDelta.CurrentChanged(wasCurrent.SizeAfter(null), null));
                }
                return new DeleteObjectResult(marker, IsDeleteMarker: true);
            case DeleteDecision.AddNullMarker:
                {
                    var replaced = RemoveVersion(tx, blobs, bucketId, key, VersionId.Null);
                    var (nullMarkerSeq, wasCurrent) = Insert(tx, bucketId, key, VersionId.Null, isMarker: true, 0, "", now, "", null, null, null);
                    ClearCurrent(tx, bucketId, key);
                    if (!delete.FromLifecycle)
                    {
                        ReplicationOutbox.OnNewVersion(tx, bucketId, delete.Key, key, nullMarkerSeq, VersionId.Null, isDeleteMarker: true, 0, Core.Tagging.TagSet.Empty,
                            delete.IsReplica, now);
                    }
                    blobs.Figures.Record(tx, bucketId, new BucketDelta(Markers: 1) + BucketDelta.CurrentChanged(wasCurrent.SizeAfter(replaced), null));
                }
                return new DeleteObjectResult(VersionId.Null, IsDeleteMarker: true);
            default: // RemoveNullVersion
                {
                    // Unversioned: the null version is the key's whole stack, and current when it is an object.
                    var removed = RemoveVersion(tx, blobs, bucketId, key, VersionId.Null);
                    ClearCurrent(tx, bucketId, key);
                    if (removed is { IsDeleteMarker: false }) blobs.Figures.Record(tx, bucketId, BucketDelta.CurrentChanged(removed.Size, null));
                }
                return new DeleteObjectResult(null, IsDeleteMarker: false);
        }
    }

    /// <summary>
    /// Adds a version row. Also returns the key's current object as it was (read in the same statement, so the
    /// figures cost no query of their own): its seq, and its size unless its row was removed earlier in this write.
    /// </summary>
    private static (long Seq, CurrentBefore WasCurrent) Insert(WriteTransaction tx, long bucketId, byte[] key, VersionId versionId, bool isMarker, long size, string etag,
        DateTimeOffset now, string headers, string? checksum, string? blobId, byte[]? inline, int partsCount = 0, string? acl = null, string? tags = null,
        byte[]? bodyHash = null)
    {
        using var command = tx.Command("""
            INSERT INTO versions(bucket_id, key, version_id, is_marker, size, etag, modified_ms, headers, checksum, blob_id, inline, parts_count, acl, tags, body_hash)
            VALUES($b, $k, $v, $m, $s, $e, $t, $h, $c, $blob, $inline, $parts, $acl, $tags, $bh) RETURNING seq,
                (SELECT c.seq FROM current c WHERE c.bucket_id = $b AND c.key = $k),
                (SELECT cv.size FROM current c JOIN versions cv ON cv.seq = c.seq WHERE c.bucket_id = $b AND c.key = $k)
            """)
            .With("$b", bucketId).With("$k", key).With("$v", versionId.Value).With("$m", isMarker ? 1 : 0)
            .With("$s", size).With("$e", etag).With("$t", now.ToUnixTimeMilliseconds()).With("$h", headers)
            .With("$c", checksum).With("$blob", blobId).With("$inline", inline).With("$parts", partsCount).With("$acl", acl).With("$tags", tags)
            .With("$bh", bodyHash);
        using var r = command.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), new CurrentBefore(r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2)));
    }

    /// <summary>The key's current object before a write: none (null seq), or its seq and size (null if its row went earlier in the write).</summary>
    private readonly record struct CurrentBefore(long? Seq, long? Size)
    {
        /// <summary>Its size, taken from <paramref name="removed"/> when that was it.</summary>
        public long? SizeAfter(ObjectVersion? removed) => Seq is null ? null : removed is not null && removed.Seq == Seq ? removed.Size : Size;
    }

    /// <summary>Removes one version row; its blob is unlinked once the batch is durable.</summary>
    internal static ObjectVersion? RemoveVersion(WriteTransaction tx, BlobStore blobs, long bucketId, byte[] key, VersionId versionId)
    {
        using var command = tx.Command($"DELETE FROM versions WHERE bucket_id = $b AND key = $k AND version_id = $v RETURNING {Rows.VersionColumnsUnqualified}")
            .With("$b", bucketId).With("$k", key).With("$v", versionId.Value);
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        var removed = Rows.ReadVersion(r, key);
        blobs.Figures.Record(tx, bucketId, BucketDelta.Removed(removed));
        if (removed.BlobId is { } blobId) tx.AfterCommit(() => blobs.Delete(blobId));
        if (removed.PartsCount > 0)
        {
            using var parts = tx.Command("DELETE FROM version_parts WHERE seq = $s RETURNING blob_id").With("$s", removed.Seq);
            using var p = parts.ExecuteReader();
            while (p.Read())
            {
                if (!p.IsDBNull(0)) DeleteAfterCommit(tx, blobs, p.GetString(0));
            }
        }
        return removed;
    }

    public static void DeleteAfterCommit(WriteTransaction tx, BlobStore blobs, string blobId) => tx.AfterCommit(() => blobs.Delete(blobId));

    private static void SetCurrent(WriteTransaction tx, long bucketId, byte[] key, long seq)
    {
        using var command = tx.Command("INSERT INTO current(bucket_id, key, seq) VALUES($b, $k, $s) ON CONFLICT DO UPDATE SET seq = excluded.seq")
            .With("$b", bucketId).With("$k", key).With("$s", seq);
        command.ExecuteNonQuery();
    }

    private static void ClearCurrent(WriteTransaction tx, long bucketId, byte[] key)
    {
        using var command = tx.Command("DELETE FROM current WHERE bucket_id = $b AND key = $k").With("$b", bucketId).With("$k", key);
        command.ExecuteNonQuery();
    }

    /// <summary>After a version left the stack: the key is current exactly when its new top is an object.</summary>
    private static ObjectVersion? RefreshCurrent(WriteTransaction tx, long bucketId, byte[] key)
    {
        var top = Latest(tx, bucketId, key);
        if (top is { IsDeleteMarker: false }) SetCurrent(tx, bucketId, key, top.Seq);
        else ClearCurrent(tx, bucketId, key);
        return top;
    }
}
