using Strata.Client.Mirror;

namespace Strata.Client.Tests;

/// <summary>`strata mirror` without --with-history: each live key's current version, with what travels with it.</summary>
public sealed class MirroringCurrentVersions(MirroredHistory servers) : IClassFixture<MirroredHistory>
{
    private static readonly RecoveryOptions Options = new() { Concurrency = 4 };

    [Fact]
    public async Task Current_versions_arrive_with_type_metadata_tags_and_source_times_and_a_rerun_copies_only_changed_keys()
    {
        using var source = servers.History.Server.CreateClient();
        using var destination = servers.Destination.CreateClient();
        var from = await servers.History.Server.CreateBucketAsync(versioning: true, stem: "site");
        var to = await servers.Destination.CreateBucketAsync(stem: "copy");
        await source.PutObjectAsync(new() { BucketName = from, Key = "a.html", ContentBody = "old", ContentType = "text/html" });
        var put = new PutObjectRequest { BucketName = from, Key = "a.html", ContentBody = "<p>new</p>", ContentType = "text/html; charset=utf-8", TagSet = [new Tag { Key = "team", Value = "web" }] };
        put.Metadata["owner"] = "ana";
        put.Headers.CacheControl = "max-age=60";
        var current = await source.PutObjectAsync(put);
        await source.PutObjectAsync(new() { BucketName = from, Key = "gone.txt", ContentBody = "deleted" });
        await source.DeleteObjectAsync(from, "gone.txt");
        var big = new byte[11 * 1024 * 1024 + 17];
        new Random(7).NextBytes(big);
        await source.PutObjectAsync(new() { BucketName = from, Key = "big.bin", InputStream = new MemoryStream(big) });
        var mirror = new MirrorOptions { MultipartThreshold = 5 * 1024 * 1024, PartSize = 5 * 1024 * 1024 };
        var job = new MirrorJob(source, new S3Uri(from, ""), destination, new S3Uri(to, ""), mirror, Options);

        var report = await job.RunAsync();

        Assert.True(report.Ok, string.Join("\n", report.Failures));
        Assert.Equal(["a.html", "big.bin"], (await MirroredHistory.CurrentAsync(destination, to, "")).Keys.Order(StringComparer.Ordinal));
        using (var copy = await destination.GetObjectAsync(to, "a.html"))
        {
            Assert.Equal("<p>new</p>", await new StreamReader(copy.ResponseStream).ReadToEndAsync());
            Assert.Equal("text/html; charset=utf-8", copy.Headers.ContentType);
            Assert.Equal("max-age=60", copy.Headers.CacheControl);
            Assert.Equal("ana", copy.Metadata["x-amz-meta-owner"]);
            Assert.Equal(current.VersionId, copy.Metadata[MirrorMetadata.SourceVersionId]);
            Assert.NotNull(MirrorMetadata.ParseTime(copy.Metadata[MirrorMetadata.SourceLastModified]));
        }
        var tags = await destination.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = to, Key = "a.html" });
        Assert.Equal("web", Assert.Single(tags.Tagging).Value);
        using (var copy = await destination.GetObjectAsync(to, "big.bin"))
        using (var bytes = new MemoryStream())
        {
            await copy.ResponseStream.CopyToAsync(bytes);
            Assert.Equal(big, bytes.ToArray());
        }
        Assert.Equal(0, (await job.RunAsync()).Plan.Changes);

        await source.PutObjectAsync(new() { BucketName = from, Key = "a.html", ContentBody = "<p>newer</p>" });
        var rerun = await job.RunAsync();

        Assert.Equal(1, rerun.Plan.VersionsToMirror);
        Assert.Equal(1, rerun.Plan.AlreadyMirrored);
    }

    [Fact]
    public async Task A_dry_run_plans_and_writes_nothing()
    {
        using var source = servers.History.Server.CreateClient();
        using var destination = servers.Destination.CreateClient();
        var to = await servers.Destination.CreateBucketAsync(versioning: true, stem: "dry");
        var job = new MirrorJob(source, new S3Uri(servers.History.Bucket, RecordedHistory.Prefix), destination, new S3Uri(to, ""), new MirrorOptions { WithHistory = true }, Options);

        var plan = await job.PlanAsync();

        Assert.True(plan.VersionsToMirror > 0);
        Assert.Equal(0, (await destination.ListVersionsAsync(new ListVersionsRequest { BucketName = to })).Versions?.Count ?? 0);
    }
}
