using Xunit.Abstractions;

namespace Strata.Server.Tests;

/// <summary>
/// The per-bucket figures of /metrics and `admin stats` are kept incrementally from each write's effect. Random puts
/// (inline and blob-sized), deletes, version deletes, suspends, multipart uploads and lifecycle runs, and after every step
/// the figures equal what ListObjectVersions and ListMultipartUploads show, the blob store's equal the files on disk,
/// and after a restart (figures counted again from the metadata) nothing has moved.
/// </summary>
public sealed class BucketFiguresModel(StrataServer server, ITestOutputHelper output) : IClassFixture<StrataServer>
{
    private static readonly string[] Keys = ["a", "b", "d/x", "é"];

    [Fact]
    public async Task Figures_match_the_listings_after_every_step_and_after_a_restart()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("STRATA_MODEL_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set STRATA_MODEL_SEED to replay)");
        var random = new Random(seed);
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "old-versions",
                        Status = LifecycleRuleStatus.Enabled,
                        Filter = new LifecycleFilter { Prefix = "" },
                        NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
                        Expiration = new LifecycleRuleExpiration { ExpiredObjectDeleteMarker = true },
                    },
                ],
            },
        });
        var uploads = new List<(string Key, string UploadId)>();

        for (var step = 0; step < 120; step++)
        {
            var key = Keys[random.Next(Keys.Length)];
            var roll = random.Next(100);
            string what;
            if (roll < 35)
            {
                // Now and then bigger than the inline threshold (16 KiB), so a blob file comes and goes.
                var size = random.Next(4) == 0 ? 20_000 + random.Next(100) : random.Next(40);
                what = $"put {key} ({size} bytes)";
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(new byte[size]) });
            }
            else if (roll < 50)
            {
                what = $"delete {key}";
                await s3.DeleteObjectAsync(bucket, key);
            }
            else if (roll < 65)
            {
                var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? [];
                if (versions.Count == 0) continue;
                var victim = versions[random.Next(versions.Count)];
                what = $"delete {victim.Key} version {victim.VersionId}";
                await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = victim.Key, VersionId = victim.VersionId });
            }
            else if (roll < 73)
            {
                var status = random.Next(2) == 0 ? VersionStatus.Enabled : VersionStatus.Suspended;
                what = $"versioning {status}";
                await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = status } });
            }
            else if (roll < 82)
            {
                what = $"start upload {key}";
                uploads.Add((key, (await s3.InitiateMultipartUploadAsync(bucket, key)).UploadId));
            }
            else if (roll < 91 && uploads.Count > 0)
            {
                var (uploadKey, uploadId) = uploads[0];
                uploads.RemoveAt(0);
                what = $"complete upload {uploadKey}";
                var part = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket, Key = uploadKey, UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[random.Next(1, 30)]),
                });
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = bucket, Key = uploadKey, UploadId = uploadId, PartETags = [new PartETag(1, part.ETag)],
                });
            }
            else if (roll < 96 && uploads.Count > 0)
            {
                var (uploadKey, uploadId) = uploads[^1];
                uploads.RemoveAt(uploads.Count - 1);
                what = $"abort upload {uploadKey}";
                await s3.AbortMultipartUploadAsync(bucket, uploadKey, uploadId);
            }
            else
            {
                what = "lifecycle run two days on";
                server.Time.Advance(TimeSpan.FromDays(2));
                try
                {
                    await server.Host.RunLifecycleAsync(bucket);
                }
                finally
                {
                    server.Time.Advance(TimeSpan.FromDays(-2));
                }
            }
            Assert.True(await ListedAsync(s3, bucket) == Kept(bucket), $"step {step}: {what}: figures {Kept(bucket)}, listings {await ListedAsync(s3, bucket)}");
            Assert.True(BlobFilesOnDisk() == server.Host.StorageEngine.BlobStoreFigures(), $"step {step}: {what}: blob store");
        }

        var before = Kept(bucket);
        var blobsBefore = server.Host.StorageEngine.BlobStoreFigures();
        await server.RestartAsync();

        Assert.Equal(before, Kept(bucket));
        Assert.Equal(blobsBefore, server.Host.StorageEngine.BlobStoreFigures());
    }

    private Engine.Diagnostics.BucketFigures Kept(string bucket) => server.Host.StorageEngine.BucketFigures(bucket).Single();

    /// <summary>The same figures computed from what S3 clients see.</summary>
    private static async Task<Engine.Diagnostics.BucketFigures> ListedAsync(IAmazonS3 s3, string bucket)
    {
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = 1000 })).Versions ?? [];
        var uploads = (await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads ?? [];
        var objects = versions.Where(v => v.IsLatest == true && v.IsDeleteMarker != true).ToList();
        var noncurrent = versions.Where(v => v.IsLatest != true && v.IsDeleteMarker != true).ToList();
        return new Engine.Diagnostics.BucketFigures(bucket, objects.Count, objects.Count + noncurrent.Count, versions.Count(v => v.IsDeleteMarker == true),
            objects.Sum(v => v.Size ?? 0), noncurrent.Sum(v => v.Size ?? 0), uploads.Count);
    }

    private (long Files, long Bytes) BlobFilesOnDisk()
    {
        var files = new DirectoryInfo(Path.Combine(server.DataDirectory, "blobs")).EnumerateFiles("*", SearchOption.AllDirectories).ToList();
        return (files.Count, files.Sum(f => f.Length));
    }
}
