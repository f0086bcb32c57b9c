using Strata.Core;
using Strata.Core.Tagging;
using Strata.Engine.Metadata;

namespace Strata.Engine.Objects;

/// <summary>
/// A version's tags, which PutObjectTagging and DeleteObjectTagging replace in place: the bytes, the ETag, the
/// modification time and the stack stay as they were, and no version is created (S3 "Object tagging").
/// </summary>
internal static class ObjectTagging
{
    /// <summary>Replaces the tags of the latest version or of the named one; returns the version's id.</summary>
    public static VersionId Set(WriteTransaction tx, BucketName bucket, ObjectKey key, VersionId? versionId, TagSet tags)
    {
        var (bucketId, _) = StackWrites.Bucket(tx, bucket);
        var keyBytes = key.ToUtf8();
        using var find = tx.Command(versionId is null
            ? "SELECT seq, version_id, is_marker FROM versions WHERE bucket_id = $b AND key = $k ORDER BY seq DESC LIMIT 1"
            : "SELECT seq, version_id, is_marker FROM versions WHERE bucket_id = $b AND key = $k AND version_id = $v")
            .With("$b", bucketId).With("$k", keyBytes);
        if (versionId is { } id) find.With("$v", id.Value);
        long seq;
        string found;
        using (var r = find.ExecuteReader())
        {
            if (!r.Read()) throw S3Fail.Exception(versionId is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
            // S3: a delete marker has no tags; on top it hides the key, named by id it is not an object (405, as GET).
            if (r.GetInt64(2) != 0) throw S3Fail.Exception(versionId is null ? StrataError.NoSuchKey : StrataError.MethodNotAllowed);
            seq = r.GetInt64(0);
            found = r.GetString(1);
        }
        using var update = tx.Command("UPDATE versions SET tags = $t WHERE seq = $s").With("$t", tags.Serialize()).With("$s", seq);
        update.ExecuteNonQuery();
        VersionId.TryParse(found, out var result);
        return result;
    }

    /// <summary>
    /// The tags of the latest version or of the named one, read alone (one column of one row) for policies that
    /// test s3:ExistingObjectTag and for lifecycle filters; null when there is no such object version.
    /// </summary>
    public static TagSet? Find(ReadSession session, long bucketId, ObjectKey key, VersionId? versionId)
    {
        using var command = session.Command(versionId is null
            ? "SELECT tags, is_marker FROM versions WHERE bucket_id = $b AND key = $k ORDER BY seq DESC LIMIT 1"
            : "SELECT tags, is_marker FROM versions WHERE bucket_id = $b AND key = $k AND version_id = $v")
            .With("$b", bucketId).With("$k", key.ToUtf8());
        if (versionId is { } id) command.With("$v", id.Value);
        using var r = command.ExecuteReader();
        if (!r.Read() || r.GetInt64(1) != 0) return null;
        return TagSet.Deserialize(r.IsDBNull(0) ? null : r.GetString(0));
    }
}
