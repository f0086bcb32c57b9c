using System.Collections.Concurrent;
using System.Diagnostics;

namespace Strata.Cli.Tests;

/// <summary>
/// `strata admin backup` while PUTs (inline and blob-sized), overwrites that unlink replaced blobs, version deletes and
/// multipart uploads go on: the restored server has every write acknowledged before the backup began, byte for byte,
/// none deleted before it began, and every version it lists reads back as bytes some client sent.
/// </summary>
public sealed class BackupUnderWrites(StrataServer server) : IClassFixture<StrataServer>
{
    private sealed record Put(string Bucket, string Key, string VersionId, string Sha256, long Sent, long Acked);
    private sealed record VersionDelete(string Bucket, string Key, string VersionId, long Started, long Acked);

    private readonly ConcurrentBag<Put> _puts = [];
    private readonly ConcurrentBag<VersionDelete> _deletes = [];
    private readonly ConcurrentDictionary<string, bool> _sent = new();

    [Fact]
    public async Task A_backup_under_writes_restores_every_write_acknowledged_before_it_began_and_nothing_torn()
    {
        var versioned = await server.CreateBucketAsync(versioning: true);
        var plain = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        for (var i = 0; i < 60; i++) await PutAsync(s3, versioned, $"seed/{i}", i % 3 == 0 ? 40_000 : 2_000, i);

        using var stop = new CancellationTokenSource();
        var writers = new List<Task>
        {
            WriteLoopAsync(s3, stop.Token, i => PutAsync(s3, versioned, $"a/{i % 25}", (i % 3) switch { 0 => 1_000, 1 => 30_000, _ => 70_000 }, i)),
            WriteLoopAsync(s3, stop.Token, i => PutAsync(s3, versioned, $"b/{i}", i % 2 == 0 ? 500 : 20_000, i)),
            // An unversioned bucket: each PUT replaces the null version and unlinks the replaced blob after its commit.
            WriteLoopAsync(s3, stop.Token, i => PutAsync(s3, plain, $"o/{i % 4}", 25_000, i)),
            WriteLoopAsync(s3, stop.Token, i => PutThenDeleteVersionAsync(s3, versioned, $"d/{i}", i)),
            WriteLoopAsync(s3, stop.Token, i => MultipartAsync(s3, versioned, $"m/{i}", i)),
        };
        while (_puts.Count < 150) await Task.Delay(20);

        var destination = BackupPaths.Temporary("backup");
        var restored = BackupPaths.Temporary("restored");
        try
        {
            var backupBegan = Stopwatch.GetTimestamp();
            var backup = await StrataCli.RunAsync(server, "admin", "backup", destination, "--json");
            var backupEnded = Stopwatch.GetTimestamp();
            while (_puts.Count(p => p.Acked > backupEnded) < 20) await Task.Delay(20);
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            var report = BackupPaths.Report(backup);
            Assert.True(report.GetProperty("versions").GetInt64() > 60, backup.Stdout);
            Assert.False(report.TryGetProperty("missingBlobs", out _), backup.Stdout); // every blob the snapshot named was still there to link
            var restore = await StrataCli.RunAsync(["restore-data", destination, "--data", restored], new Dictionary<string, string>());
            Assert.True(restore.ExitCode == 0, restore.ToString());

            await using var copy = await RestoredServer.StartAsync(restored);
            using var client = copy.CreateClient();
            var acknowledged = _puts.Where(p => p.Acked < backupBegan && p.Bucket == versioned).ToList();
            var deletedLater = _deletes.Where(d => d.Started < backupEnded).Select(d => d.VersionId).ToHashSet();
            var checkedCount = 0;
            foreach (var put in acknowledged.Where(p => !deletedLater.Contains(p.VersionId)))
            {
                var bytes = await BackupPaths.ReadAllAsync(client, put.Bucket, put.Key, put.VersionId);
                Assert.True(BackupPaths.Sha256(bytes) == put.Sha256, $"{put.Key} {put.VersionId} differs after the restore");
                checkedCount++;
            }
            Assert.True(checkedCount > 60, $"only {checkedCount} acknowledged versions were checked"); // the seed and writes made under way
            foreach (var delete in _deletes.Where(d => d.Acked < backupBegan))
            {
                var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetObjectAsync(new GetObjectRequest { BucketName = delete.Bucket, Key = delete.Key, VersionId = delete.VersionId }));
                Assert.Equal("NoSuchVersion", gone.ErrorCode);
            }
            foreach (var key in _puts.Where(p => p.Bucket == plain).Select(p => p.Key).Distinct())
            {
                // The unversioned key holds the last write acknowledged before the backup began, or one sent after it.
                var bytes = await BackupPaths.ReadAllAsync(client, plain, key);
                var writes = _puts.Where(p => p.Bucket == plain && p.Key == key).OrderBy(p => p.Sent).ToList();
                var floor = writes.Where(p => p.Acked < backupBegan).Select(p => p.Sent).DefaultIfEmpty(long.MinValue).Max();
                var holding = writes.SingleOrDefault(p => p.Sha256 == BackupPaths.Sha256(bytes));
                Assert.True(holding is not null && holding.Sent >= floor && holding.Sent < backupEnded, $"{key} holds bytes no write around the backup sent");
            }
            await AssertNothingTornAsync(client, versioned);
            await AssertNothingTornAsync(client, plain);
        }
        finally
        {
            if (!stop.IsCancellationRequested) await stop.CancelAsync();
            BackupPaths.Remove(destination);
            BackupPaths.Remove(restored);
        }
    }

    private async Task AssertNothingTornAsync(IAmazonS3 client, string bucket)
    {
        var request = new ListVersionsRequest { BucketName = bucket };
        ListVersionsResponse page;
        do
        {
            page = await client.ListVersionsAsync(request);
            foreach (var version in page.Versions ?? [])
            {
                if (version.IsDeleteMarker == true) continue;
                var bytes = await BackupPaths.ReadAllAsync(client, bucket, version.Key, version.VersionId);
                Assert.True(_sent.ContainsKey(BackupPaths.Sha256(bytes)), $"{version.Key} {version.VersionId} reads back as bytes no client sent");
            }
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
        while (page.IsTruncated == true);
    }

    private static async Task WriteLoopAsync(IAmazonS3 s3, CancellationToken stop, Func<int, Task> write)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++) await write(i);
    }

    private static byte[] Body(int size, int seed)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        BitConverter.TryWriteBytes(bytes, seed);
        return bytes;
    }

    private async Task<string> PutAsync(IAmazonS3 s3, string bucket, string key, int size, int seed)
    {
        var body = Body(size, seed);
        var sha = BackupPaths.Sha256(body);
        _sent[sha] = true;
        var sent = Stopwatch.GetTimestamp();
        var response = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
        _puts.Add(new Put(bucket, key, response.VersionId ?? "null", sha, sent, Stopwatch.GetTimestamp()));
        return response.VersionId ?? "null";
    }

    private async Task PutThenDeleteVersionAsync(IAmazonS3 s3, string bucket, string key, int seed)
    {
        var versionId = await PutAsync(s3, bucket, key, 30_000, seed);
        var started = Stopwatch.GetTimestamp();
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        _deletes.Add(new VersionDelete(bucket, key, versionId, started, Stopwatch.GetTimestamp()));
    }

    private async Task MultipartAsync(IAmazonS3 s3, string bucket, string key, int seed)
    {
        var first = Body(5 * 1024 * 1024, seed);
        var last = Body(100_000, seed + 1);
        var sha = BackupPaths.Sha256([.. first, .. last]);
        _sent[sha] = true;
        var sent = Stopwatch.GetTimestamp();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var part1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(first) });
        var part2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(last) });
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = [new PartETag(1, part1.ETag), new PartETag(2, part2.ETag)],
        });
        _puts.Add(new Put(bucket, key, done.VersionId, sha, sent, Stopwatch.GetTimestamp()));
    }
}
