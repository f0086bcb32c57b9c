namespace Strata.Client.Tests;

public sealed class RestoringAVersion(StrataServer server) : IClassFixture<StrataServer>
{
    private static readonly RecoveryOptions Options = new() { Concurrency = 4 };

    [Fact]
    public async Task Restoring_an_old_version_makes_it_the_latest_with_its_content_type_and_metadata()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "photo.jpg", ContentBody = "first", ContentType = "image/jpeg", Metadata = { ["camera"] = "x100" } });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "photo.jpg", ContentBody = "second", ContentType = "text/plain" });

        var report = await new VersionRestoreJob(s3, bucket, "photo.jpg", v1.VersionId, Options).RunAsync();

        Assert.True(report.Ok);
        Assert.Equal(1, report.Plan.Copies);
        using var latest = await s3.GetObjectAsync(bucket, "photo.jpg");
        Assert.NotEqual(v1.VersionId, latest.VersionId);
        Assert.Equal("first", await new StreamReader(latest.ResponseStream).ReadToEndAsync());
        Assert.Equal("image/jpeg", latest.Headers.ContentType);
        Assert.Equal("x100", latest.Metadata["camera"]);
    }

    [Fact]
    public async Task Restoring_the_version_that_is_already_latest_adds_no_version()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a", ContentBody = "one" });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a", ContentBody = "two" });
        var job = new VersionRestoreJob(s3, bucket, "a", v1.VersionId, Options);

        await job.RunAsync();
        var again = await job.RunAsync();

        Assert.Equal(0, again.Plan.Changes);
        Assert.Equal(1, again.Plan.KeysUnchanged);
        Assert.Equal(3, (await VersionWalker.FindAsync(s3, bucket, "a"))!.Versions.Count);
    }

    [Fact]
    public async Task A_version_above_the_single_copy_limit_is_restored_part_by_part_with_its_metadata()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var content = new byte[12 * 1024 * 1024 + 17];
        new Random(7).NextBytes(content);
        var v1 = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "big.bin", InputStream = new MemoryStream(content), ContentType = "application/x-big", Metadata = { ["origin"] = "test" } });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "big.bin", ContentBody = "small now" });
        var parts = Options with { Copy = new CopySettings { MultipartThreshold = 6 * 1024 * 1024, PartSize = 5 * 1024 * 1024 } };

        var report = await new VersionRestoreJob(s3, bucket, "big.bin", v1.VersionId, parts).RunAsync();

        Assert.True(report.Ok, string.Join("; ", report.Failures.Select(f => f.Message)));
        using var latest = await s3.GetObjectAsync(bucket, "big.bin");
        Assert.EndsWith("-3\"", latest.ETag); // three parts: 5 + 5 + 2 MiB
        Assert.Equal("application/x-big", latest.Headers.ContentType);
        Assert.Equal("test", latest.Metadata["origin"]);
        var copied = new MemoryStream();
        await latest.ResponseStream.CopyToAsync(copied);
        Assert.Equal(content, copied.ToArray());
    }

    [Fact]
    public async Task Restoring_a_delete_marker_or_an_unknown_version_fails_with_a_plain_reason()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a", ContentBody = "one" });
        var marker = await s3.DeleteObjectAsync(bucket, "a");

        var onMarker = await new VersionRestoreJob(s3, bucket, "a", marker.VersionId, Options).RunAsync();
        var onUnknown = await new VersionRestoreJob(s3, bucket, "a", "no-such-version", Options).RunAsync();

        Assert.False(onMarker.Ok);
        Assert.Contains("is a delete marker", onMarker.Failures.Single().Message);
        Assert.Contains("strata undelete", onMarker.Failures.Single().Message);
        Assert.Contains("has no version 'no-such-version'", onUnknown.Failures.Single().Message);
        Assert.Equal(2, (await VersionWalker.FindAsync(s3, bucket, "a"))!.Versions.Count);
    }
}
