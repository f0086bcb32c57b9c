using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Strata.Reliability.Tests.Crash;

/// <summary>One row of ListObjectVersions.</summary>
internal sealed record Listed(string Key, string VersionId, bool IsMarker, string? ETag, long Size);

/// <summary>
/// Compares what the restarted server shows with what the traffic sent and what was acknowledged:
/// acknowledged writes and deletes hold, stack order follows acknowledgement order, every visible body is one
/// that was sent for that key (never a torn one), and plain listings agree with the version stacks.
/// </summary>
internal sealed class Verifier(History history, string versionedBucket, string plainBucket)
{
    private readonly ConcurrentQueue<string> _problems = new();
    private long _writeChecks, _deleteChecks, _bodiesCompared, _multipartBodiesCompared;

    public long WriteChecks => _writeChecks;
    public long DeleteChecks => _deleteChecks;
    public long BodiesCompared => _bodiesCompared;

    /// <summary>Of <see cref="BodiesCompared"/>, the objects made by CompleteMultipartUpload.</summary>
    public long MultipartBodiesCompared => _multipartBodiesCompared;

    /// <summary>Bytes are compared for the keys <paramref name="compareBytes"/> selects; metadata for every key.</summary>
    public async Task<List<string>> VerifyAsync(AmazonS3Client s3, Func<string, bool> compareBytes)
    {
        _problems.Clear();
        var listings = new Dictionary<string, Dictionary<string, List<Listed>>>();
        var current = new Dictionary<string, Dictionary<string, string?>>();
        foreach (var bucket in new[] { versionedBucket, plainBucket })
        {
            listings[bucket] = (await ListVersionsAsync(s3, bucket)).GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.ToList());
            current[bucket] = await ListCurrentAsync(s3, bucket);
        }
        var reads = new List<Func<Task>>();
        foreach (var (bucket, key) in history.Keys())
        {
            var listed = listings[bucket].GetValueOrDefault(key) ?? [];
            var ops = history.OpsOf(bucket, key);
            if (bucket == versionedBucket) CheckVersionedKey(s3, key, ops, listed, compareBytes(key), reads);
            else CheckPlainKey(s3, key, ops, listed, compareBytes(key), reads);
            var top = listed.Count > 0 && !listed[0].IsMarker ? listed[0].ETag : null;
            var isCurrent = current[bucket].TryGetValue(key, out var currentETag);
            if (isCurrent != (top is not null) || (isCurrent && currentETag != top))
            {
                Problem($"{bucket}/{key}: ListObjectsV2 shows {(isCurrent ? currentETag : "nothing")} but the version stack's top is {top ?? "a marker or nothing"}");
            }
        }
        foreach (var (bucket, keys) in listings)
        {
            foreach (var key in keys.Keys.Where(k => history.OpsOf(bucket, k).Count == 0)) Problem($"{bucket}/{key}: listed but never written");
        }
        await Parallel.ForEachAsync(reads, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (read, _) => await read());
        return [.. _problems];
    }

    private void CheckVersionedKey(AmazonS3Client s3, string key, List<Op> ops, List<Listed> listed, bool compareBytes, List<Func<Task>> reads)
    {
        var bucket = versionedBucket;
        var position = new Dictionary<string, int>();
        for (var i = 0; i < listed.Count; i++)
        {
            if (!position.TryAdd(listed[i].VersionId, i)) Problem($"{bucket}/{key}: version {listed[i].VersionId} listed twice");
        }
        var acked = ops.Where(o => o.IsAcked && o.Kind != OpKind.DeleteVersion).ToList();
        var byVersion = new Dictionary<string, Op>();
        foreach (var op in acked)
        {
            if (op.VersionId is null || op.VersionId == "null" || !byVersion.TryAdd(op.VersionId, op))
            {
                Problem($"{bucket}/{key}: acknowledged {op} has a missing or repeated version id");
                continue;
            }
            var deletes = ops.Where(d => d.Kind == OpKind.DeleteVersion && d.VersionId == op.VersionId).ToList();
            var present = position.TryGetValue(op.VersionId, out var at);
            if (deletes.Any(d => d.IsAcked))
            {
                Interlocked.Increment(ref _deleteChecks);
                if (present) Problem($"{bucket}/{key}: version {op.VersionId} is listed after its acknowledged DELETE ?versionId");
                continue;
            }
            if (!present)
            {
                if (deletes.Count == 0) Problem($"{bucket}/{key}: acknowledged {op} is missing from ListObjectVersions");
                continue;
            }
            var entry = listed[at];
            if (op.Kind == OpKind.Delete)
            {
                Interlocked.Increment(ref _deleteChecks);
                if (!entry.IsMarker) Problem($"{bucket}/{key}: acknowledged marker {op.VersionId} is listed as an object");
                continue;
            }
            Interlocked.Increment(ref _writeChecks);
            var body = op.Body!;
            if (entry.IsMarker || entry.ETag != body.ETag || op.ETag != body.ETag || entry.Size != body.Size)
            {
                Problem($"{bucket}/{key}: version {op.VersionId} lists ETag {entry.ETag}, size {entry.Size}, marker {entry.IsMarker}; " +
                    $"the {op.Kind} sent {body.Size} bytes with ETag {body.ETag} and was acknowledged with {op.ETag}");
            }
            if (compareBytes) reads.Add(() => CompareAsync(s3, bucket, key, op.VersionId, [body]));
        }
        foreach (var op in ops.Where(o => o.Kind == OpKind.DeleteVersion && o.IsAcked && !byVersion.ContainsKey(o.VersionId!)))
        {
            Problem($"{bucket}/{key}: acknowledged {op} named a version that was never acknowledged");
        }

        // Versions no acknowledgement names come from requests the kill cut: at most one each, and only whole bodies.
        var unknown = listed.Where(l => !byVersion.ContainsKey(l.VersionId)).ToList();
        var unacknowledged = ops.Count(o => !o.IsAcked && o.Kind != OpKind.DeleteVersion);
        if (unknown.Count > unacknowledged)
        {
            Problem($"{bucket}/{key}: {unknown.Count} listed versions no acknowledgement names, but only {unacknowledged} requests were cut");
        }
        var sent = ops.Where(o => o.WritesObject && !o.IsAcked).Select(o => o.Body!).ToList();
        foreach (var entry in unknown.Where(u => !u.IsMarker))
        {
            if (!sent.Any(b => b.ETag == entry.ETag && b.Size == entry.Size))
            {
                Problem($"{bucket}/{key}: version {entry.VersionId} ({entry.Size} bytes, ETag {entry.ETag}) matches no body that was sent");
            }
            reads.Add(() => CompareAsync(s3, bucket, key, entry.VersionId, sent));
        }

        // S3's stack order is commit order: a version acknowledged before another was sent lies below it.
        for (var newer = 0; newer < listed.Count; newer++)
        {
            if (!byVersion.TryGetValue(listed[newer].VersionId, out var a)) continue;
            for (var older = newer + 1; older < listed.Count; older++)
            {
                if (byVersion.TryGetValue(listed[older].VersionId, out var b) && a.FinishedBefore(b))
                {
                    Problem($"{bucket}/{key}: {a} is listed above {b}, which was sent after it was acknowledged");
                }
            }
        }
    }

    private void CheckPlainKey(AmazonS3Client s3, string key, List<Op> ops, List<Listed> listed, bool compareBytes, List<Func<Task>> reads)
    {
        var bucket = plainBucket;
        foreach (var op in ops.Where(o => o.IsAcked))
        {
            if (op.WritesObject) Interlocked.Increment(ref _writeChecks);
            else Interlocked.Increment(ref _deleteChecks);
            if (op.WritesObject && op.ETag != op.Body!.ETag) Problem($"{bucket}/{key}: {op} was acknowledged with ETag {op.ETag}, its body's is {op.Body.ETag}");
        }
        if (listed.Count > 1 || listed.Any(l => l.VersionId != "null" || l.IsMarker))
        {
            Problem($"{bucket}/{key}: an unversioned key lists {string.Join(", ", listed)}");
            return;
        }
        // The key shows the outcome of a request no acknowledged request replaced: one that finished before
        // an acknowledged request was sent has been replaced; anything the kill cut may or may not have landed.
        // The last acknowledged request is always a candidate, so once anything was acknowledged the key may be
        // gone only if a delete could have been last; before that, none of the cut requests need have landed.
        var candidates = ops.Where(x => !ops.Any(y => y.IsAcked && x.FinishedBefore(y))).ToList();
        if (listed.Count == 0)
        {
            if (ops.Any(o => o.IsAcked) && !candidates.Any(c => c.Kind == OpKind.Delete))
            {
                Problem($"{bucket}/{key}: gone, but its last writes were {string.Join("; ", candidates)} and no delete could have been last");
            }
            return;
        }
        var entry = listed[0];
        var bodies = candidates.Where(c => c.WritesObject && c.Body!.ETag == entry.ETag && c.Body.Size == entry.Size).Select(c => c.Body!).ToList();
        if (bodies.Count == 0)
        {
            Problem($"{bucket}/{key}: shows {entry.Size} bytes with ETag {entry.ETag}, which is no write that could have been last ({string.Join("; ", candidates)})");
            return;
        }
        if (compareBytes || candidates.Any(c => !c.IsAcked)) reads.Add(() => CompareAsync(s3, bucket, key, null, bodies));
    }

    /// <summary>GETs a version and checks its bytes hash to one of the bodies sent, with the ETag listed for it.</summary>
    private async Task CompareAsync(AmazonS3Client s3, string bucket, string key, string? versionId, List<Body> bodies)
    {
        try
        {
            using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            int read;
            long length = 0;
            while ((read = await get.ResponseStream.ReadAsync(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }
            var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            Interlocked.Increment(ref _bodiesCompared);
            var match = bodies.FirstOrDefault(b => b.Sha256 == hash && b.ETag == get.ETag);
            if (match is { IsMultipart: true }) Interlocked.Increment(ref _multipartBodiesCompared);
            if (match is null)
            {
                Problem($"{bucket}/{key} v={versionId ?? "(latest)"}: GET returned {length} bytes (SHA-256 {hash}, ETag {get.ETag}), none of the bodies sent " +
                    $"({string.Join(", ", bodies.Select(b => $"{b.Size} B {b.ETag}"))})");
            }
        }
        catch (AmazonS3Exception error)
        {
            Problem($"{bucket}/{key} v={versionId ?? "(latest)"}: listed, but GET answered {(int)error.StatusCode} {error.ErrorCode}");
        }
    }

    public static async Task<List<Listed>> ListVersionsAsync(AmazonS3Client s3, string bucket)
    {
        var all = new List<Listed>();
        var request = new ListVersionsRequest { BucketName = bucket, MaxKeys = 1000 };
        while (true)
        {
            var page = await s3.ListVersionsAsync(request);
            foreach (var v in page.Versions ?? []) all.Add(new Listed(v.Key, v.VersionId, v.IsDeleteMarker == true, v.ETag, v.Size ?? 0));
            if (page.IsTruncated != true) return all;
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }

    private static async Task<Dictionary<string, string?>> ListCurrentAsync(AmazonS3Client s3, string bucket)
    {
        var current = new Dictionary<string, string?>();
        var request = new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1000 };
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request);
            foreach (var o in page.S3Objects ?? []) current[o.Key] = o.ETag;
            if (page.IsTruncated != true) return current;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private void Problem(string text) => _problems.Enqueue(text);
}
