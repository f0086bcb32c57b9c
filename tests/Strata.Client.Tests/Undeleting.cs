namespace Strata.Client.Tests;

public sealed class Undeleting(StrataServer server) : IClassFixture<StrataServer>
{
    private static readonly RecoveryOptions Options = new() { Concurrency = 4 };

    private async Task<(AmazonS3Client S3, string Bucket)> DeletedPhotosAsync()
    {
        var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        for (var i = 0; i < 20; i++)
        {
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = $"photos/{i:D2}.jpg", ContentBody = $"old {i}" });
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = $"photos/{i:D2}.jpg", ContentBody = $"photo {i}", ContentType = "image/jpeg" });
            if (i % 2 == 0) await s3.DeleteObjectAsync(bucket, $"photos/{i:D2}.jpg");
        }
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "elsewhere", ContentBody = "x" });
        await s3.DeleteObjectAsync(bucket, "elsewhere");
        return (s3, bucket);
    }

    private static async Task<int> VersionCountAsync(IAmazonS3 s3, string bucket)
    {
        var count = 0;
        await foreach (var history in VersionWalker.WalkAsync(s3, bucket, "")) count += history.Versions.Count;
        return count;
    }

    [Fact]
    public async Task Undelete_copies_the_newest_version_back_and_a_second_run_does_nothing()
    {
        var (s3, bucket) = await DeletedPhotosAsync();
        using var _ = s3;
        var job = new UndeleteJob(s3, bucket, "photos/", Options);

        var report = await job.RunAsync();
        var versions = await VersionCountAsync(s3, bucket);
        var again = await job.RunAsync();

        Assert.True(report.Ok);
        Assert.Equal((20, 10, 10), (report.Plan.KeysScanned, report.Plan.Copies, report.Succeeded));
        for (var i = 0; i < 20; i += 2)
        {
            using var back = await s3.GetObjectAsync(bucket, $"photos/{i:D2}.jpg");
            Assert.Equal($"photo {i}", await new StreamReader(back.ResponseStream).ReadToEndAsync());
            Assert.Equal("image/jpeg", back.Headers.ContentType);
        }
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "elsewhere"));
        Assert.Equal(0, again.Plan.Changes);
        Assert.Equal(versions, await VersionCountAsync(s3, bucket));
    }

    [Fact]
    public async Task Planning_an_undelete_changes_nothing()
    {
        var (s3, bucket) = await DeletedPhotosAsync();
        using var _ = s3;
        var before = await VersionCountAsync(s3, bucket);

        var plan = await new UndeleteJob(s3, bucket, "", Options).PlanAsync();

        Assert.Equal((21, 11, 10), (plan.KeysScanned, plan.Copies, plan.KeysNotApplicable));
        Assert.Equal(before, await VersionCountAsync(s3, bucket));
    }

    [Fact]
    public async Task Undelete_since_a_time_brings_back_only_keys_deleted_after_it()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "early", ContentBody = "e" });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "late", ContentBody = "l" });
        await s3.DeleteObjectAsync(bucket, "early");
        var since = await Clock.BetweenPhasesAsync();
        await s3.DeleteObjectAsync(bucket, "late");

        var report = await new UndeleteJob(s3, bucket, "", Options) { Since = since }.RunAsync();

        Assert.Equal(1, report.Plan.Copies);
        Assert.Equal("l", await ReadAsync(s3, bucket, "late"));
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "early"));
    }

    [Fact]
    public async Task Undelete_removing_markers_deletes_every_marker_above_the_newest_version()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "twice", ContentBody = "t" });
        await s3.DeleteObjectAsync(bucket, "twice");
        await s3.DeleteObjectAsync(bucket, "twice");

        var report = await new UndeleteJob(s3, bucket, "", Options) { RemoveMarkers = true }.RunAsync();

        Assert.Equal((2, 2L), (report.Plan.MarkersToRemove, report.Succeeded));
        var history = await VersionWalker.FindAsync(s3, bucket, "twice");
        Assert.Equal([v1.VersionId], history!.Versions.Select(v => v.VersionId));
    }

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }
}
