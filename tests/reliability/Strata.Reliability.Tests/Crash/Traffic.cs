using Amazon.Runtime;

namespace Strata.Reliability.Tests.Crash;

/// <summary>
/// Concurrent S3 traffic on a handful of keys per cycle in a versioned and an unversioned bucket: PUTs of
/// new keys and overwrites from 0 B to 300 KiB (inline rows up to 16 KiB, blob files above), DELETEs that
/// add markers, DELETEs of a version by id. Every request is recorded before it is sent and acknowledged
/// only when its success response arrives.
/// </summary>
internal sealed class Traffic(History history, string versionedBucket, string plainBucket)
{
    public const int InlineThreshold = 16 * 1024;
    public const int MaxSize = 300 * 1024;
    private static int _seed = Environment.TickCount;

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
            var key = $"{prefix}k{random.Next(5)}" + (random.Next(4) == 0 ? "/nested é" : "");
            var roll = random.Next(100);
            try
            {
                if (roll < 65) await PutAsync(s3, bucket, key, random, stop);
                else if (roll < 82 || !versioned) await DeleteAsync(s3, bucket, key, stop);
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

    private async Task PutAsync(AmazonS3Client s3, string bucket, string key, Random random, CancellationToken stop)
    {
        var body = Body.Create(Interlocked.Increment(ref _seed), PickSize(random));
        var op = history.Begin(OpKind.Put, bucket, key, body);
        var response = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(Body.Bytes(body.Seed, body.Size)),
        }, stop);
        history.Ack(op, response.VersionId, response.ETag);
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
