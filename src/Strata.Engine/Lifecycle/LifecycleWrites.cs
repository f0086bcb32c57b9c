using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Metadata;
using Strata.Engine.Multipart;
using Strata.Engine.ObjectLock;
using Strata.Engine.Objects;

namespace Strata.Engine.Lifecycle;

/// <summary>What the pass decided for one key, with the rows it saw, so the write can check they are still so.</summary>
internal sealed record KeyAction(byte[] Key, PassVersion Top, bool ExpireCurrent, List<PassVersion> Remove, bool RemoveMarker);

/// <summary>The counts of one batch of lifecycle writes.</summary>
internal struct PassCounts
{
    public long Removed;
    public long MarkersAdded;
    public long MarkersRemoved;
    public long UploadsAborted;
    public long BytesFreed;
    public long Skipped;
}

/// <summary>
/// The writes of a lifecycle pass, a page of keys in one committer transaction. Each key is read again inside it: a
/// request that changed the key since the page was read wins (a new PUT keeps the object current, a removed version is
/// not removed twice). Every removal passes <see cref="IsProtected"/> first.
/// </summary>
internal static class LifecycleWrites
{
    /// <summary>
    /// The one gate before lifecycle removes a version for good: a version under Object Lock retention or legal hold
    /// is never removed by lifecycle, as in S3. Asked inside the page's commit, so a lock set meanwhile counts.
    /// </summary>
    public static bool IsProtected(WriteTransaction tx, long bucketId, byte[] key, VersionId versionId, DateTimeOffset now)
    {
        using var locked = tx.Command($"SELECT 1 FROM versions v WHERE v.bucket_id = $b AND v.key = $k AND v.version_id = $v AND {ObjectLockSql.LockedAt}")
            .With("$b", bucketId).With("$k", key).With("$v", versionId.Value).With("$now", now.ToUnixTimeMilliseconds());
        return locked.ExecuteScalar() is not null;
    }

    public static PassCounts Apply(WriteTransaction tx, BlobStore blobs, BucketName bucket, List<KeyAction> actions, bool mayRemoveVersions, DateTimeOffset now)
    {
        var counts = new PassCounts();
        var (bucketId, state, _) = StackWrites.BucketSettings(tx, bucket);
        foreach (var action in actions)
        {
            if (Top(tx, bucketId, action.Key) is not { } top) continue;
            if (action.ExpireCurrent && top.Seq == action.Top.Seq && !top.IsDeleteMarker)
            {
                ExpireCurrent(tx, blobs, bucket, bucketId, state, action.Key, top, now, ref counts);
            }
            if (!mayRemoveVersions)
            {
                if (action.Remove.Count > 0 || action.RemoveMarker) counts.Skipped += action.Remove.Count + (action.RemoveMarker ? 1 : 0);
                continue;
            }
            foreach (var version in action.Remove)
            {
                // Still noncurrent: the top of the stack is never removed as a noncurrent version.
                if (version.Seq == top.Seq || IsProtected(tx, bucketId, action.Key, version.VersionId, now)) continue;
                if (StackWrites.RemoveVersion(tx, blobs, bucketId, action.Key, version.VersionId) is { } removed)
                {
                    counts.Removed++;
                    counts.BytesFreed += removed.IsDeleteMarker ? 0 : removed.Size;
                }
            }
            if (action.RemoveMarker && top.Seq == action.Top.Seq && top.IsDeleteMarker && IsAlone(tx, bucketId, action.Key)
                && !IsProtected(tx, bucketId, action.Key, top.VersionId, now))
            {
                // S3: an expired object delete marker (nothing under it) is removed; the key then has no version at all.
                StackWrites.RemoveVersion(tx, blobs, bucketId, action.Key, top.VersionId);
                counts.MarkersRemoved++;
            }
        }
        return counts;
    }

    // S3: expiring the current version does what a DELETE without versionId does: a delete marker on a versioned
    // bucket (the object stays as a noncurrent version), the object itself on an unversioned one.
    private static void ExpireCurrent(WriteTransaction tx, BlobStore blobs, BucketName bucket, long bucketId, VersioningState state, byte[] key,
        PassVersion top, DateTimeOffset now, ref PassCounts counts)
    {
        var replacesNull = state != VersioningState.Enabled && top.VersionId == VersionId.Null;
        if (replacesNull && IsProtected(tx, bucketId, key, top.VersionId, now)) return;
        StackWrites.Delete(tx, blobs, new DeleteObjectCommand(bucket, ObjectKey.FromUtf8(key), VersionId: null) { FromLifecycle = true }, now);
        if (state != VersioningState.Unversioned) counts.MarkersAdded++;
        if (replacesNull)
        {
            counts.Removed++;
            counts.BytesFreed += top.Size;
        }
    }

    // The newest version's few columns the checks need; not StackWrites.Latest, which reads and parses the whole row.
    private static PassVersion? Top(WriteTransaction tx, long bucketId, byte[] key)
    {
        using var command = tx.Command("SELECT seq, version_id, is_marker, size, modified_ms FROM versions WHERE bucket_id = $b AND key = $k ORDER BY seq DESC LIMIT 1")
            .With("$b", bucketId).With("$k", key);
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        VersionId.TryParse(r.GetString(1), out var id);
        return new PassVersion(r.GetInt64(0), id, r.GetInt64(2) != 0, r.GetInt64(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)));
    }

    private static bool IsAlone(WriteTransaction tx, long bucketId, byte[] key)
    {
        using var command = tx.Command("SELECT COUNT(*) FROM (SELECT 1 FROM versions WHERE bucket_id = $b AND key = $k LIMIT 2)").With("$b", bucketId).With("$k", key);
        return (long)command.ExecuteScalar()! == 1;
    }

    /// <summary>Aborts the uploads still there, as AbortMultipartUpload does; their parts' files go after the commit.</summary>
    public static PassCounts AbortUploads(WriteTransaction tx, BlobStore blobs, List<long> uploads)
    {
        var counts = new PassCounts();
        foreach (var upload in uploads)
        {
            using (var exists = tx.Command("SELECT (SELECT COALESCE(SUM(size), 0) FROM parts WHERE upload = $u) FROM uploads WHERE id = $u").With("$u", upload))
            {
                if (exists.ExecuteScalar() is not long bytes) continue;
                counts.BytesFreed += bytes;
            }
            MultipartWrites.DropUpload(tx, blobs, upload);
            counts.UploadsAborted++;
        }
        return counts;
    }
}
