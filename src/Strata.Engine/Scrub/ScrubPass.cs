using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Metadata;

namespace Strata.Engine.Scrub;

/// <summary>
/// One scrub: reads every object version's stored bodies (inline, blob file, each part of a multipart object) in
/// commit order, a page of rows at a time with no read transaction held while bytes are read, and compares each with
/// the <see cref="BodyHash"/> recorded on write. A body written before schema 14 gets its hash here, after a check
/// against its ETag when that is the body's MD5 (a single-part object). Delete markers have no body.
/// </summary>
internal sealed class ScrubPass(ReadSessions reads, Committer committer, BlobStore blobs, TimeProvider time, long bytesPerSecond)
{
    private const int PageRows = 200;
    private const int ChunkBytes = 1024 * 1024;

    private readonly List<ScrubFinding> _findings = [];
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private long _versions;
    private long _parts;
    private long _bytes;
    private long _hashesAdded;

    private sealed record Body(int PartNumber, long Size, string? BlobId, byte[]? Inline, byte[]? Hash);

    private sealed record Row(long Seq, BucketName Bucket, ObjectKey Key, VersionId VersionId, long Size, string ETag, long ModifiedMs, int PartsCount, Body Own);

    public async Task<ScrubReport> RunAsync(BucketName? bucket, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        long after = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (true)
            {
                var page = Page(bucket, after);
                if (page.Count == 0) break;
                var hashes = new List<(long Seq, int Part, byte[] Hash)>();
                foreach (var row in page)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _versions++;
                    var bodies = row.PartsCount == 0 ? [row.Own] : Parts(row.Seq);
                    foreach (var body in bodies)
                    {
                        if (await CheckAsync(row, body, buffer, cancellationToken) is { } hash) hashes.Add((row.Seq, body.PartNumber, hash));
                    }
                }
                after = page[^1].Seq;
                if (hashes.Count > 0) await RecordHashesAsync(hashes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new ScrubReport(bucket, started, time.GetUtcNow(), _versions, _parts, _bytes, _hashesAdded, _findings);
    }

    private List<Row> Page(BucketName? bucket, long after)
    {
        using var session = reads.Rent();
        using var command = session.Command("""
            SELECT v.seq, b.name, v.key, v.version_id, v.size, v.etag, v.modified_ms, v.blob_id, v.inline, v.parts_count, v.body_hash
            FROM versions v JOIN buckets b ON b.id = v.bucket_id
            WHERE v.seq > $after AND v.is_marker = 0 AND ($bucket IS NULL OR b.name = $bucket)
            ORDER BY v.seq LIMIT $limit
            """).With("$after", after).With("$bucket", bucket?.Value).With("$limit", PageRows);
        using var r = command.ExecuteReader();
        var rows = new List<Row>(PageRows);
        while (r.Read())
        {
            VersionId.TryParse(r.GetString(3), out var versionId);
            var own = new Body(0, r.GetInt64(4), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : (byte[])r.GetValue(8),
                r.IsDBNull(10) ? null : (byte[])r.GetValue(10));
            rows.Add(new Row(r.GetInt64(0), BucketName.Parse(r.GetString(1)), ObjectKey.FromUtf8((byte[])r.GetValue(2)), versionId, r.GetInt64(4),
                r.GetString(5), r.GetInt64(6), (int)r.GetInt64(9), own));
        }
        return rows;
    }

    private List<Body> Parts(long seq)
    {
        using var session = reads.Rent();
        using var command = session.Command("SELECT part_number, size, blob_id, inline, body_hash FROM version_parts WHERE seq = $s ORDER BY part_number").With("$s", seq);
        using var r = command.ExecuteReader();
        var parts = new List<Body>();
        while (r.Read())
        {
            parts.Add(new Body((int)r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : (byte[])r.GetValue(3),
                r.IsDBNull(4) ? null : (byte[])r.GetValue(4)));
        }
        return parts;
    }

    /// <summary>Reads one body and compares it; returns its hash when it had none and should keep the one just computed.</summary>
    private async Task<byte[]?> CheckAsync(Row row, Body body, byte[] buffer, CancellationToken cancellationToken)
    {
        _parts++;
        var hash = new BodyHash();
        // Before schema 14 a single-part object's ETag is the MD5 of its body: the one record of its bytes to check against.
        using var md5 = body.Hash is null && row.PartsCount == 0 && !row.ETag.Contains('-', StringComparison.Ordinal) ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        long length;
        if (body.BlobId is null)
        {
            var inline = body.Inline ?? [];
            hash.Append(inline);
            md5?.AppendData(inline);
            length = inline.Length;
            _bytes += length;
        }
        else
        {
            Stream file;
            try
            {
                file = blobs.OpenRead(body.BlobId);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Removed with its version since the page was read: nothing is wrong.
                if (StillReferenced(row.Seq, body.BlobId)) Add(row, body, ScrubFinding.Missing, $"its blob file {body.BlobId} is gone");
                return null;
            }
            await using (file)
            {
                length = 0;
                int read;
                while ((read = await file.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
                {
                    hash.Append(buffer.AsSpan(0, read));
                    md5?.AppendData(buffer.AsSpan(0, read));
                    length += read;
                    _bytes += read;
                    await PaceAsync(cancellationToken);
                }
            }
        }
        if (length != body.Size)
        {
            Add(row, body, ScrubFinding.Mismatch, $"it holds {length} bytes; {body.Size} were written");
            return null;
        }
        var computed = hash.GetHashAndReset();
        if (body.Hash is not null)
        {
            if (!BodyHash.Matches(body.Hash, computed)) Add(row, body, ScrubFinding.Mismatch, "its bytes do not match the checksum recorded when it was written");
            return null;
        }
        if (md5 is not null && !string.Equals(Convert.ToHexStringLower(md5.GetHashAndReset()), row.ETag.Trim('"'), StringComparison.OrdinalIgnoreCase))
        {
            Add(row, body, ScrubFinding.Mismatch, "its bytes do not match its ETag (MD5)");
            return null;
        }
        return computed;
    }

    private bool StillReferenced(long seq, string blobId)
    {
        using var session = reads.Rent();
        using var command = session.Command("""
            SELECT 1 WHERE EXISTS (SELECT 1 FROM versions WHERE seq = $s AND blob_id = $b)
                OR EXISTS (SELECT 1 FROM version_parts WHERE seq = $s AND blob_id = $b)
            """).With("$s", seq).With("$b", blobId);
        return command.ExecuteScalar() is not null;
    }

    private void Add(Row row, Body body, string problem, string detail) =>
        _findings.Add(new ScrubFinding(row.Bucket, row.Key, row.VersionId, body.PartNumber, problem, detail, time.GetUtcNow())
        {
            Seq = row.Seq,
            ModifiedMs = row.ModifiedMs,
        });

    // --scrub-rate: bytes read so far may not run ahead of the rate since the start.
    private async ValueTask PaceAsync(CancellationToken cancellationToken)
    {
        if (bytesPerSecond <= 0) return;
        var due = TimeSpan.FromSeconds((double)_bytes / bytesPerSecond) - Stopwatch.GetElapsedTime(_startTimestamp);
        if (due > TimeSpan.FromMilliseconds(1)) await Task.Delay(due, cancellationToken);
    }

    private Task RecordHashesAsync(List<(long Seq, int Part, byte[] Hash)> hashes) =>
        committer.WriteAsync(tx =>
        {
            foreach (var (seq, part, hash) in hashes)
            {
                using var update = part == 0
                    ? tx.Command("UPDATE versions SET body_hash = $h WHERE seq = $s AND body_hash IS NULL").With("$h", hash).With("$s", seq)
                    : tx.Command("UPDATE version_parts SET body_hash = $h WHERE seq = $s AND part_number = $n AND body_hash IS NULL")
                        .With("$h", hash).With("$s", seq).With("$n", part);
                _hashesAdded += update.ExecuteNonQuery();
            }
            return true;
        });
}
