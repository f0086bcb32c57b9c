using Xunit.Abstractions;

namespace Strata.Client.Tests;

/// <summary>Restores of a random recorded history, compared with the model of that history at each time.</summary>
public sealed class PointInTimeRestores(RecordedHistory history, ITestOutputHelper output) : IClassFixture<RecordedHistory>
{
    private static readonly RecoveryOptions Options = new() { Concurrency = 8, PageSize = 97 };

    private S3Uri Source => new(history.Bucket, RecordedHistory.Prefix);

    [Fact]
    public async Task Restoring_in_place_gives_exactly_the_state_at_each_time_and_a_second_run_adds_no_version()
    {
        output.WriteLine($"seed {history.Seed} (STRATA_HISTORY_SEED replays it)");
        using var s3 = history.Server.CreateClient();
        foreach (var phase in new[] { 2, 0, 3, 1, 4 })
        {
            // Odd phases walk the history a second time to run; even ones carry out the plan kept in memory.
            var options = Options with { MaxRememberedSteps = phase % 2 == 0 ? 100_000 : 0 };
            var job = new PointInTimeRestoreJob(s3, Source, history.Times[phase], new RestoreDestination.InPlace(), options);

            var plan = await job.PlanAsync();
            var report = await job.RunAsync();
            Assert.Equal(plan, report.Plan);
            Assert.True(report.Ok, string.Join("\n", report.Failures));
            Assert.Equal(Expected(phase), await CurrentAsync(s3, history.Bucket, RecordedHistory.Prefix));
            var versions = await VersionCountAsync(s3);
            var again = await job.RunAsync();

            Assert.Equal(0, again.Plan.Changes);
            Assert.Equal(versions, await VersionCountAsync(s3));
        }
        Assert.Equal("outside", await ReadAsync(s3, history.Bucket, "outside"));
    }

    [Fact]
    public async Task Restoring_to_another_bucket_gives_exactly_the_snapshot_and_a_second_run_copies_nothing()
    {
        using var s3 = history.Server.CreateClient();
        var target = await history.Server.CreateBucketAsync(stem: "snapshot");
        foreach (var phase in new[] { 1, 3 })
        {
            var destination = new S3Uri(target, $"at-{phase}/");
            var job = new PointInTimeRestoreJob(s3, Source, history.Times[phase], new RestoreDestination.Bucket(destination), Options);

            var report = await job.RunAsync();
            var again = await job.RunAsync();

            Assert.True(report.Ok, string.Join("\n", report.Failures));
            Assert.Equal(Expected(phase, destination.Prefix), await CurrentAsync(s3, target, destination.Prefix));
            Assert.Equal(0, again.Plan.Changes);
            Assert.Equal(0, again.Plan.DestinationExtras);
        }
    }

    [Fact]
    public async Task Restoring_into_the_source_prefix_itself_is_refused()
    {
        using var s3 = history.Server.CreateClient();
        var job = new PointInTimeRestoreJob(s3, Source, history.Times[1], new RestoreDestination.Bucket(new S3Uri(history.Bucket, RecordedHistory.Prefix + "copy/")), Options);

        var error = await Assert.ThrowsAsync<StrataClientException>(() => job.PlanAsync());

        Assert.Contains("overlaps the source", error.Message);
    }

    [Fact]
    public async Task Restoring_to_a_folder_writes_exactly_the_snapshot_and_a_second_run_downloads_nothing()
    {
        using var s3 = history.Server.CreateClient();
        var folder = Path.Combine(Path.GetTempPath(), "strata-restore-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var job = new PointInTimeRestoreJob(s3, Source, history.Times[2], new RestoreDestination.Folder(folder), Options);

            var report = await job.RunAsync();
            var again = await job.RunAsync();

            Assert.True(report.Ok, string.Join("\n", report.Failures));
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => RecordedHistory.Prefix + Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText);
            Assert.Equal(history.StateAt(2).OrderBy(p => p.Key, StringComparer.Ordinal), files.OrderBy(p => p.Key, StringComparer.Ordinal));
            Assert.Equal(0, again.Plan.Changes);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private Dictionary<string, string> Expected(int phase, string? prefix = null) =>
        history.StateAt(phase).ToDictionary(p => prefix is null ? p.Key : prefix + p.Key[RecordedHistory.Prefix.Length..], p => RecordedHistory.ETagOf(p.Value));

    private static async Task<Dictionary<string, string>> CurrentAsync(IAmazonS3 s3, string bucket, string prefix)
    {
        var current = new Dictionary<string, string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request);
            foreach (var item in page.S3Objects ?? []) current[item.Key] = item.ETag;
            if (page.IsTruncated != true) return current;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async Task<int> VersionCountAsync(IAmazonS3 s3)
    {
        var count = 0;
        await foreach (var key in VersionWalker.WalkAsync(s3, history.Bucket, "")) count += key.Versions.Count;
        return count;
    }

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }
}
