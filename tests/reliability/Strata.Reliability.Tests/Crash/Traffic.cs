using Amazon.Runtime;

namespace Strata.Reliability.Tests.Crash;

/// <summary>
/// Concurrent S3 traffic on a handful of keys per cycle in a versioned and an unversioned bucket: PUTs of
/// new keys and overwrites from 0 B to 300 KiB (inline rows up to 16 KiB, blob files above), copies of a named
/// version, DELETEs that add markers, DELETEs of a version by id, DeleteObjects of one to three keys, and a small
/// share of multipart uploads (one to three parts, all but the last exactly 5 MiB) that are completed, aborted
/// or left open. Every request is recorded before it
/// is sent and acknowledged only when its success response arrives.
/// </summary>
internal sealed class Traffic(History history, string versionedBucket, string plainBucket)
{
    public const int InlineThreshold = 16 * 1024;
    public const int MaxSize = 300 * 1024;

    /// <summary>S3's smallest part but the last; a 5 MiB body costs little, so 50 kill cycles stay near a minute.</summary>
    public const int PartSize = 5 * 1024 * 1024;
    private static int _seed = Environment.TickCount;

    /// <summary>
    /// PUTs and parts sent as one signed body (x-amz-content-sha256 of the bytes, not aws-chunked), which the
    /// server writes straight from Kestrel's pipe (Body/PipeBodyCopy) when it is over the inline threshold.
    /// </summary>
    public bool PlainBodies { get; set; }

    public async Task RunAsync(AmazonS3Client s3, string prefix, int workers, int seed, CancellationToken stop)
    {
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var random = new Random(HashCode.Combine(seed, w));
            tasks[w] = Task.Run(() => WorkAsync(s3, prefix, random, stop), CancellationToken.None);
        }
        await Task.WhenAll(tasks);
    }

    private async Task WorkAsync(AmazonS3Client s3, string prefix, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var versioned = random.Next(2) == 0;
            var bucket = versioned ? versionedBucket : plainBucket;
            // Few keys per cycle, so overwrites and deletes meet the same keys from several workers at once.
            var key = PickKey(prefix, random);
            var roll = random.Next(100);
            try
            {
                if (roll < 6) await MultipartAsync(s3, bucket, key, random, stop);
                else if (roll < 58) await PutAsync(s3, bucket, key, random, stop);
                else if (roll < 64 && history.PickCopySource(versionedBucket, random) is { } source) await CopyAsync(s3, bucket, key, source, stop);
                else if (roll < 70) await DeleteObjectsAsync(s3, bucket, versioned, prefix, random, stop);
                else if (roll < 84 || !versioned) await DeleteAsync(s3, bucket, key, stop);
                else if (history.ClaimVersionToDelete(bucket, key, random) is { } victim) await DeleteVersionAsync(s3, bucket, key, victim, stop);
                else await PutAsync(s3, bucket, key, random, stop);
            }
            catch (Exception error) when (error is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException
                                              or System.Net.Sockets.SocketException or AmazonClientException)
            {
                // Not acknowledged: the kill (or a refusal) cut it; the verifier allows either outcome.
                if (stop.IsCancellationRequested) return;
            }
        }
    }

    private static string PickKey(string prefix, Random random) => $"{prefix}k{random.Next(5)}" + (random.Next(4) == 0 ? "/nested é" : "");

    private async Task PutAsync(AmazonS3Client s3, string bucket, string key, Random random, CancellationToken stop)
    {
        var body = Body.Create(Interlocked.Increment(ref _seed), PickSize(random));
        var op = history.Begin(OpKind.Put, bucket, key, body);
        var response = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(Body.Bytes(body.Seed, body.Size)),
            UseChunkEncoding = !PlainBodies,
        }, stop);
        history.Ack(op, response.VersionId, response.ETag);
    }

    /// <summary>
    /// CreateMultipartUpload, the parts in order, then usually CompleteMultipartUpload. One in ten uploads is
    /// aborted and one in ten left open, so a kill may find uploads in every state.
    /// </summary>
    private async Task MultipartAsync(AmazonS3Client s3, string bucket, string key, Random random, CancellationToken stop)
    {
        var body = Body.CreateMultipart(Interlocked.Increment(ref _seed), PickMultipartSize(random), PartSize);
        var upload = history.BeginUpload(bucket, key, body);
        var created = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, stop);
        upload.UploadId = created.UploadId;
        var bytes = Body.Bytes(body.Seed, body.Size);
        var etags = new List<PartETag>();
        foreach (var (number, offset, length) in body.Parts())
        {
            upload.PartSent(number);
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = created.UploadId,
                PartNumber = number,
                InputStream = new MemoryStream(bytes, offset, length, writable: false),
                UseChunkEncoding = !PlainBodies,
            }, stop);
            upload.PartAcked(number, part.ETag);
            etags.Add(new PartETag(number, part.ETag));
        }
        var fate = random.Next(10);
        if (fate == 0)
        {
            upload.LeftOpen = true;
            return;
        }
        if (fate == 1)
        {
            upload.AbortedByTraffic = upload.AbortSent = true;
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = created.UploadId }, stop);
            upload.AbortAcked = true;
            return;
        }
        var op = history.Begin(OpKind.Complete, bucket, key, body);
        upload.Completion = op;
        var response = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = created.UploadId,
            PartETags = etags,
        }, stop);
        history.Ack(op, response.VersionId, response.ETag);
    }

    /// <summary>CopyObject of a named version (of the versioned bucket) onto the key: a new version with the source's bytes.</summary>
    private async Task CopyAsync(AmazonS3Client s3, string bucket, string key, (string Key, string VersionId, Body Body) source, CancellationToken stop)
    {
        var op = history.Begin(OpKind.Copy, bucket, key, source.Body);
        var response = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = versionedBucket,
            SourceKey = source.Key,
            SourceVersionId = source.VersionId,
            DestinationBucket = bucket,
            DestinationKey = key,
        }, stop);
        history.Ack(op, response.VersionId, response.ETag);
    }

    /// <summary>
    /// DeleteObjects of one to three keys: markers (or removals in the unversioned bucket), and in the versioned
    /// bucket sometimes a version by id. Each key is its own op, acknowledged by its &lt;Deleted&gt; entry.
    /// </summary>
    private async Task DeleteObjectsAsync(AmazonS3Client s3, string bucket, bool versioned, string prefix, Random random, CancellationToken stop)
    {
        var keys = Enumerable.Range(0, random.Next(1, 4)).Select(_ => PickKey(prefix, random)).Distinct().ToList();
        var ops = new List<Op>();
        var objects = new List<KeyVersion>();
        foreach (var key in keys)
        {
            var victim = versioned && random.Next(3) == 0 ? history.ClaimVersionToDelete(bucket, key, random) : null;
            ops.Add(victim is null
                ? history.Begin(OpKind.Delete, bucket, key, inBatch: true)
                : history.Begin(OpKind.DeleteVersion, bucket, key, versionId: victim, inBatch: true));
            objects.Add(new KeyVersion { Key = key, VersionId = victim });
        }
        var response = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = objects }, stop);
        foreach (var op in ops)
        {
            var deleted = response.DeletedObjects?.FirstOrDefault(d => d.Key == op.Key);
            if (deleted is null) continue; // refused for this key: not acknowledged
            history.Ack(op, op.Kind == OpKind.Delete ? deleted.DeleteMarkerVersionId : op.VersionId, null);
        }
    }

    private async Task DeleteAsync(AmazonS3Client s3, string bucket, string key, CancellationToken stop)
    {
        var op = history.Begin(OpKind.Delete, bucket, key);
        var response = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, stop);
        history.Ack(op, response.VersionId, null);
    }

    private async Task DeleteVersionAsync(AmazonS3Client s3, string bucket, string key, string versionId, CancellationToken stop)
    {
        var op = history.Begin(OpKind.DeleteVersion, bucket, key, versionId: versionId);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, stop);
        history.Ack(op, versionId, null);
    }

    /// <summary>One part (45%), two (45%) or three (10%); the last part on either side of the inline threshold.</summary>
    private static int PickMultipartSize(Random random)
    {
        var parts = random.Next(100) switch { < 45 => 1, < 90 => 2, _ => 3 };
        return (parts - 1) * PartSize + Math.Max(1, PickSize(random));
    }

    /// <summary>Both sides of the inline threshold, the edges included, and the empty body.</summary>
    private static int PickSize(Random random) => random.Next(100) switch
    {
        < 6 => 0,
        < 10 => InlineThreshold,
        < 14 => InlineThreshold + 1,
        < 55 => random.Next(1, InlineThreshold),
        _ => random.Next(InlineThreshold + 2, MaxSize + 1),
    };
}
