using System.Net;

namespace Strata.Server.Tests;

/// <summary>
/// The commit pipeline (Engine/Metadata/WalSync.cs, Checkpointer.cs): writes are answered only after the WAL sync that
/// follows their commit, replaced blobs are unlinked only then, and checkpoints keep the WAL from growing without bound.
/// </summary>
public sealed class CommitPipeline
{
    private const int Writers = 32;

    [Fact]
    public async Task Concurrent_writes_and_version_deletes_are_all_there_after_a_restart_and_removed_blobs_are_unlinked()
    {
        await using var server = new StrataServer();
        await server.StartAsync();
        string bucket;
        var kept = new List<(string Key, string VersionId, byte[] Body)>();
        var removed = new List<(string Key, string VersionId)>();
        using (var s3 = server.CreateClient())
        {
            bucket = await server.CreateBucketAsync(versioning: true);
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
            {
                var random = new Random(writer);
                for (var i = 0; i < 6; i++)
                {
                    // Both sides of the 16 KiB inline threshold: rows alone, and blob files with their directory fsyncs.
                    var body = new byte[random.Next(2) == 0 ? random.Next(1, 4096) : random.Next(17_000, 60_000)];
                    random.NextBytes(body);
                    var key = $"w{writer}/k{i % 3}";
                    var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
                    if (i % 3 == 2)
                    {
                        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = put.VersionId });
                        lock (removed) removed.Add((key, put.VersionId));
                    }
                    else
                    {
                        lock (kept) kept.Add((key, put.VersionId, body));
                    }
                }
            }));
        }

        await server.RestartAsync();

        using (var s3 = server.CreateClient())
        {
            foreach (var (key, versionId, body) in kept)
            {
                using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
                using var copy = new MemoryStream();
                await get.ResponseStream.CopyToAsync(copy);
                Assert.Equal(body, copy.ToArray());
            }
            foreach (var (key, versionId) in removed)
            {
                var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
                    s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }));
                Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
            }
        }
        // One blob file per kept version over the inline threshold, none for the removed ones: each was unlinked after
        // the sync that made its removal durable, and the restart's sweep had nothing left to remove.
        var files = Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Count();
        Assert.Equal(kept.Count(k => k.Body.Length > 16 * 1024), files);
    }

    [Fact]
    public async Task The_WAL_stays_bounded_while_writes_never_pause()
    {
        await using var server = new StrataServer();
        await server.StartAsync();
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var body = new byte[16 * 1024]; // inline: each PUT adds about five 4 KiB pages to the WAL
        Random.Shared.NextBytes(body);
        const int PutsPerWriter = 100; // 32 × 100 × ~20 KiB ≈ 62 MiB of WAL frames if no checkpoint ever restarted it
        var wal = Path.Combine(server.DataDirectory, "metadata.db-wal");
        long largest = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
        {
            for (var i = 0; i < PutsPerWriter; i++)
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"w{writer}/{i}", InputStream = new MemoryStream(body) });
                if (writer == 0) largest = Math.Max(largest, new FileInfo(wal).Length);
            }
        }));
        largest = Math.Max(largest, new FileInfo(wal).Length);
        // The writer's own automatic checkpoint is off; the checkpointer's (and, once the WAL holds 4096 frames, the
        // committer's) keep the WAL near 16 MiB. With no checkpoint at all it reached 80 MB here.
        Assert.InRange(largest, 1, 40L * 1024 * 1024);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "w0/" });
        Assert.Equal(PutsPerWriter, listed.KeyCount);
    }
}
