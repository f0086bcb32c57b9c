using Strata.Core;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine.Multipart;

/// <summary>
/// The record of completed uploads, kept for <see cref="Kept"/>: S3 answers a CompleteMultipartUpload sent again
/// with the same parts as it answered the first (a client whose connection dropped before the answer retries),
/// where a forgotten upload would be NoSuchUpload and the client would think its object lost.
/// </summary>
internal static class CompletedUploads
{
    private static readonly TimeSpan Kept = TimeSpan.FromDays(1);

    public static void Remember(WriteTransaction tx, BucketName bucket, ObjectKey key, string uploadId, long seq, string parts, DateTimeOffset now)
    {
        var (bucketId, _) = StackWrites.Bucket(tx, bucket);
        using (var forget = tx.Command("DELETE FROM completed_uploads WHERE completed_ms < $before").With("$before", (now - Kept).ToUnixTimeMilliseconds()))
        {
            forget.ExecuteNonQuery();
        }
        using var insert = tx.Command("INSERT OR REPLACE INTO completed_uploads(upload_id, bucket_id, key, seq, parts, completed_ms) VALUES($u, $b, $k, $s, $p, $t)")
            .With("$u", uploadId).With("$b", bucketId).With("$k", key.ToUtf8()).With("$s", seq).With("$p", parts).With("$t", now.ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
    }

    /// <summary>The first completion's answer, when this upload was completed with the same parts and its version is still there; else null.</summary>
    public static CompleteMultipartResult? Repeat(WriteTransaction tx, BucketName bucket, ObjectKey key, string uploadId, string parts)
    {
        var (bucketId, state) = StackWrites.Bucket(tx, bucket);
        using var find = tx.Command($"""
            SELECT {Rows.VersionColumns} FROM completed_uploads c JOIN versions v ON v.seq = c.seq
            WHERE c.upload_id = $u AND c.bucket_id = $b AND c.key = $k AND c.parts = $p
            """)
            .With("$u", uploadId).With("$b", bucketId).With("$k", key.ToUtf8()).With("$p", parts);
        using var r = find.ExecuteReader();
        if (!r.Read()) return null;
        var version = Rows.ReadVersion(r);
        return new CompleteMultipartResult(new PutObjectResult(version.VersionId, version.ETag, version.LastModified, state), version.Size, version.Checksum, version.Tags);
    }
}
