using System.Security.Cryptography;
using Strata.Core;
using Strata.Core.Tagging;
using Strata.Engine.Blobs;
using Strata.Engine.Metadata;
using Strata.Engine.ObjectLock;
using Strata.Engine.Objects;

namespace Strata.Engine.Multipart;

/// <summary>
/// Multipart uploads inside the committer's transaction. Parts are blob files referenced by <c>parts</c>;
/// completion validates the list, pushes the version and moves the part rows to <c>version_parts</c> in
/// the same transaction, so the object appears whole or not at all and no byte is copied.
/// </summary>
internal static class MultipartWrites
{
    public static UploadInfo Create(WriteTransaction tx, BucketName bucket, ObjectKey key, ObjectHeaders headers, string? checksumAlgorithm,
        string? checksumType, DateTimeOffset now, Core.ObjectLock.ObjectLockState? objectLock = null, string? acl = null, TagSet? tags = null)
    {
        var (bucketId, state) = StackWrites.Bucket(tx, bucket);
        // S3 refuses lock headers the bucket cannot honour when the upload starts; the default retention applies at completion.
        var requested = objectLock ?? Core.ObjectLock.ObjectLockState.None;
        if (!requested.IsEmpty) ObjectLockWrites.ForNewVersion(tx, bucketId, state, requested, now);
        var uploadId = RandomIds.UrlSafe32();
        using var insert = tx.Command("""
            INSERT INTO uploads(upload_id, bucket_id, key, initiated_ms, headers, checksum_algorithm, checksum_type, lock_mode, lock_until_ms, legal_hold, acl, tags)
            VALUES($u, $b, $k, $t, $h, $c, $ct, $lm, $lu, $lh, $acl, $tags)
            """)
            .With("$u", uploadId).With("$b", bucketId).With("$k", key.ToUtf8()).With("$t", now.ToUnixTimeMilliseconds())
            .With("$h", headers.Serialize()).With("$c", checksumAlgorithm).With("$ct", checksumType).WithLock(requested).With("$acl", acl)
            .With("$tags", tags?.Serialize());
        insert.ExecuteNonQuery();
        return new UploadInfo(uploadId, key, now, headers, checksumAlgorithm, checksumType, acl);
    }

    private static long UploadRow(WriteTransaction tx, BucketName bucket, ObjectKey key, string uploadId) =>
        FindUpload(tx, bucket, key, uploadId) ?? throw S3Fail.Exception(StrataError.NoSuchUpload);

    private static long? FindUpload(WriteTransaction tx, BucketName bucket, ObjectKey key, string uploadId)
    {
        var (bucketId, _) = StackWrites.Bucket(tx, bucket);
        using var find = tx.Command("SELECT id FROM uploads WHERE upload_id = $u AND bucket_id = $b AND key = $k")
            .With("$u", uploadId).With("$b", bucketId).With("$k", key.ToUtf8());
        return find.ExecuteScalar() as long?;
    }

    private static string PartList(IReadOnlyList<CompletedPart> parts) =>
        string.Join(',', parts.Select(p => p.PartNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + p.ETag.Trim().Trim('"')));

    /// <summary>Stores a part; a part number uploaded again replaces the earlier part.</summary>
    public static PartInfo PutPart(WriteTransaction tx, BlobStore blobs, BucketName bucket, ObjectKey key, string uploadId, int partNumber,
        BlobContent content, Checksum? checksum, DateTimeOffset now)
    {
        var upload = UploadRow(tx, bucket, key, uploadId);
        using (var old = tx.Command("DELETE FROM parts WHERE upload = $u AND part_number = $n RETURNING blob_id").With("$u", upload).With("$n", partNumber))
        {
            if (old.ExecuteScalar() is string replaced) StackWrites.DeleteAfterCommit(tx, blobs, replaced);
        }
        var etag = ETag.FromMd5(content.Md5);
        using var insert = tx.Command("""
            INSERT INTO parts(upload, part_number, size, etag, checksum, modified_ms, blob_id, inline, body_hash)
            VALUES($u, $n, $s, $e, $c, $t, $blob, $inline, $bh)
            """)
            .With("$u", upload).With("$n", partNumber).With("$s", content.Length).With("$e", etag).With("$c", checksum?.Serialize())
            .With("$t", now.ToUnixTimeMilliseconds()).With("$blob", content.BlobId).With("$inline", content.Inline).With("$bh", content.BodyHash);
        insert.ExecuteNonQuery();
        return new PartInfo(partNumber, content.Length, etag, checksum, now);
    }

    public static void Abort(WriteTransaction tx, BlobStore blobs, BucketName bucket, ObjectKey key, string uploadId)
    {
        var upload = UploadRow(tx, bucket, key, uploadId);
        DropUpload(tx, blobs, upload);
    }

    /// <summary>Removes an upload and its parts; their files are unlinked after the commit.</summary>
    public static void DropUpload(WriteTransaction tx, BlobStore blobs, long upload)
    {
        using (var parts = tx.Command("DELETE FROM parts WHERE upload = $u RETURNING blob_id").With("$u", upload))
        using (var r = parts.ExecuteReader())
        {
            while (r.Read())
            {
                if (!r.IsDBNull(0)) StackWrites.DeleteAfterCommit(tx, blobs, r.GetString(0));
            }
        }
        using var delete = tx.Command("DELETE FROM uploads WHERE id = $u RETURNING bucket_id").With("$u", upload);
        if (delete.ExecuteScalar() is long bucketId) blobs.Figures.Record(tx, bucketId, new Diagnostics.BucketDelta(Uploads: -1));
    }

    private sealed record StoredPart(int Number, long Size, string ETag, string? Checksum, string? BlobId, byte[]? Inline, byte[]? BodyHash);

    public static CompleteMultipartResult Complete(WriteTransaction tx, BlobStore blobs, BucketName bucket, ObjectKey key, string uploadId,
        IReadOnlyList<CompletedPart> requested, ChecksumRule checksumRule, WriteConditions? conditions, DateTimeOffset now, bool isReplica = false)
    {
        var partList = PartList(requested);
        if (FindUpload(tx, bucket, key, uploadId) is not { } upload)
        {
            return CompletedUploads.Repeat(tx, bucket, key, uploadId, partList) ?? throw S3Fail.Exception(StrataError.NoSuchUpload);
        }
        string headersText;
        string? algorithm;
        string? checksumType;
        Core.ObjectLock.ObjectLockState requestedLock;
        string? acl;
        string? tags;
        using (var info = tx.Command("SELECT headers, checksum_algorithm, checksum_type, lock_mode, lock_until_ms, legal_hold, acl, tags FROM uploads WHERE id = $u").With("$u", upload))
        using (var r = info.ExecuteReader())
        {
            r.Read();
            headersText = r.GetString(0);
            algorithm = r.IsDBNull(1) ? null : r.GetString(1);
            checksumType = r.IsDBNull(2) ? null : r.GetString(2);
            requestedLock = ObjectLockSql.Read(r, 3);
            acl = r.IsDBNull(6) ? null : r.GetString(6);
            tags = r.IsDBNull(7) ? null : r.GetString(7);
        }
        // A retain-until date that passed while the parts were uploaded protects nothing any more; the upload still completes.
        if (requestedLock.Retention is { } asked && asked.RetainUntil <= now) requestedLock = requestedLock with { Retention = null };
        var stored = new Dictionary<int, StoredPart>();
        using (var parts = tx.Command("SELECT part_number, size, etag, checksum, blob_id, inline, body_hash FROM parts WHERE upload = $u").With("$u", upload))
        using (var r = parts.ExecuteReader())
        {
            while (r.Read())
            {
                var part = new StoredPart((int)r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                    r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : (byte[])r.GetValue(5), r.IsDBNull(6) ? null : (byte[])r.GetValue(6));
                stored[part.Number] = part;
            }
        }

        var chosen = new List<StoredPart>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            if (!stored.TryGetValue(requested[i].PartNumber, out var part) || part.ETag.Trim('"') != requested[i].ETag.Trim().Trim('"'))
            {
                throw S3Fail.Exception(StrataError.InvalidPart, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
            }
            // S3: a part checksum listed in the completion must be the one the part was uploaded with.
            if (requested[i].Checksum is { } listed && listed != Checksum.Deserialize(part.Checksum))
            {
                throw S3Fail.Exception(StrataError.InvalidPart, $"The {listed.Algorithm} checksum listed for part {part.Number} is not the part's checksum.");
            }
            if (i < requested.Count - 1 && part.Size < MultipartLimits.MinPartSize)
            {
                throw S3Fail.Exception(StrataError.EntityTooSmall);
            }
            chosen.Add(part);
        }

        // S3's multipart ETag: the MD5 of the concatenated binary MD5s of the parts, then "-<count>".
        var md5s = new byte[chosen.Count * 16];
        long size = 0;
        for (var i = 0; i < chosen.Count; i++)
        {
            Convert.FromHexString(chosen[i].ETag.Trim('"')).CopyTo(md5s, i * 16);
            size += chosen[i].Size;
        }
        var etag = "\"" + Convert.ToHexStringLower(MD5.HashData(md5s)) + "-" + chosen.Count + "\"";

        var checksum = ObjectChecksum(chosen, algorithm, checksumType, checksumRule);

        var command = new PutObjectCommand(bucket, key, ObjectHeaders.Deserialize(headersText), checksum, conditions, requestedLock)
        {
            Acl = acl,
            Tags = TagSet.Deserialize(tags),
            IsReplica = isReplica,
        };
        var (put, seq) = StackWrites.Push(tx, blobs, command, etag, size, blobId: null, inline: null, partsCount: chosen.Count, now);
        long offset = 0;
        foreach (var part in chosen)
        {
            using var insert = tx.Command("INSERT INTO version_parts(seq, part_number, offset, size, blob_id, inline, checksum, body_hash) VALUES($s, $n, $o, $z, $b, $i, $c, $bh)")
                .With("$s", seq).With("$n", part.Number).With("$o", offset).With("$z", part.Size).With("$b", part.BlobId).With("$i", part.Inline)
                .With("$c", checksum is null ? null : part.Checksum).With("$bh", part.BodyHash);
            insert.ExecuteNonQuery();
            offset += part.Size;
            stored.Remove(part.Number);
        }
        // Parts uploaded but not named in the completion are discarded, as S3 does.
        foreach (var unused in stored.Values)
        {
            if (unused.BlobId is { } blobId) StackWrites.DeleteAfterCommit(tx, blobs, blobId);
        }
        using (var parts = tx.Command("DELETE FROM parts WHERE upload = $u").With("$u", upload)) parts.ExecuteNonQuery();
        using (var delete = tx.Command("DELETE FROM uploads WHERE id = $u").With("$u", upload)) delete.ExecuteNonQuery();
        blobs.Figures.Record(tx, bucket, new Diagnostics.BucketDelta(Uploads: -1));
        CompletedUploads.Remember(tx, bucket, key, uploadId, seq, partList, now);
        return new CompleteMultipartResult(put, size, checksum, command.Tags);
    }

    /// <summary>
    /// The completed object's checksum: built from the parts' checksums of the upload's algorithm and type (all parts
    /// must have one), then held against the client's x-amz-checksum-* of the whole object (BadDigest if it differs).
    /// </summary>
    private static Checksum? ObjectChecksum(List<StoredPart> chosen, string? algorithm, string? checksumType, ChecksumRule rule)
    {
        // S3: the completion may restate the upload's checksum type, not change it.
        if (rule.ExpectedType is { } expectedType && expectedType != (algorithm is null ? null : checksumType ?? Checksum.Composite))
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, $"The upload was created with checksum type {checksumType ?? "none"}; the completion asks for {expectedType}.");
        }
        Checksum? checksum = null;
        if (algorithm is not null && chosen.TrueForAll(p => p.Checksum is not null))
        {
            var values = chosen.ConvertAll(p => Checksum.Deserialize(p.Checksum)!);
            if (values.TrueForAll(v => v.Algorithm == algorithm))
            {
                var parts = new List<PartChecksum>(chosen.Count);
                for (var i = 0; i < chosen.Count; i++) parts.Add(new PartChecksum(values[i].Value, chosen[i].Size));
                if (rule.Compose(algorithm, checksumType ?? Checksum.Composite, parts) is { } value) checksum = new Checksum(algorithm, value);
            }
        }
        if (rule.Expected is { } expected && (checksum is null || checksum.Algorithm != expected.Algorithm || checksum.Digest != expected.Digest))
        {
            throw S3Fail.Exception(StrataError.BadDigest, $"The {expected.Algorithm} you specified did not match the calculated checksum.");
        }
        return checksum;
    }
}
