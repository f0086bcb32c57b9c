using Strata.Client.Mirror;
using Xunit.Abstractions;

namespace Strata.Client.Tests;

/// <summary>
/// `strata mirror` between two real servers: the recorded random history (puts, overwrites, delete markers,
/// undeletes, several prefixes) moved with its history must answer every point-in-time question as the source does.
/// </summary>
public sealed class Mirroring(MirroredHistory servers, ITestOutputHelper output) : IClassFixture<MirroredHistory>
{
    private static readonly RecoveryOptions Options = new() { Concurrency = 8, PageSize = 97 };
    private static readonly MirrorOptions WithHistory = new() { WithHistory = true };

    private RecordedHistory History => servers.History;

    private S3Uri Source => new(History.Bucket, RecordedHistory.Prefix);

    [Fact]
    public async Task A_mirror_with_history_restores_at_every_time_as_the_source_does_and_a_rerun_copies_nothing()
    {
        output.WriteLine($"seed {History.Seed} (STRATA_HISTORY_SEED replays it)");
        using var source = History.Server.CreateClient();
        using var destination = servers.Destination.CreateClient();
        var bucket = await servers.Destination.CreateBucketAsync(versioning: true, stem: "mirror");
        var target = new S3Uri(bucket, "moved/");
        var job = new MirrorJob(source, Source, destination, target, WithHistory, Options);

        var plan = await job.PlanAsync();
        var report = await job.RunAsync();

        Assert.True(report.Ok, string.Join("\n", report.Failures));
        var stacks = await MirroredHistory.StacksAsync(source, History.Bucket, RecordedHistory.Prefix);
        Assert.Equal(stacks.Values.Sum(s => s.Count), plan.VersionsToMirror + plan.MarkersToMirror);
        Assert.Equal(Sorted(stacks), Sorted(await MirroredHistory.StacksAsync(destination, bucket, target.Prefix)));
        for (var phase = 0; phase < History.Times.Count; phase++)
        {
            var at = History.Times[phase];
            // The same plan on both sides: the same keys differ from their state at T, the same need a marker.
            var onSource = await new PointInTimeRestoreJob(source, Source, at, new RestoreDestination.InPlace(), Options).PlanAsync();
            var onMirror = await new PointInTimeRestoreJob(destination, target, at, new RestoreDestination.InPlace(), Options).PlanAsync();
            Assert.Equal(onSource, onMirror);
            // And the same snapshot, taken from the mirror.
            var snapshot = new S3Uri(await servers.Destination.CreateBucketAsync(stem: "snapshot"), "");
            var restored = await new PointInTimeRestoreJob(destination, target, at, new RestoreDestination.Bucket(snapshot), Options).RunAsync();
            Assert.True(restored.Ok, string.Join("\n", restored.Failures));
            var expected = History.StateAt(phase).ToDictionary(p => p.Key[RecordedHistory.Prefix.Length..], p => RecordedHistory.ETagOf(p.Value));
            Assert.Equal(Sorted(expected), Sorted(await MirroredHistory.CurrentAsync(destination, snapshot.Bucket, "")));
        }
        var again = await job.RunAsync();
        Assert.Equal(0, again.Plan.Changes);
        Assert.Equal(plan.VersionsToMirror + plan.MarkersToMirror, again.Plan.AlreadyMirrored);
        Assert.Equal(Sorted(stacks), Sorted(await MirroredHistory.StacksAsync(destination, bucket, target.Prefix)));
    }

    [Fact]
    public async Task A_rerun_after_a_mirror_that_stopped_part_way_copies_only_what_is_missing()
    {
        using var source = History.Server.CreateClient();
        using var destination = servers.Destination.CreateClient();
        var bucket = await servers.Destination.CreateBucketAsync(versioning: true, stem: "resume");
        var target = new S3Uri(bucket, RecordedHistory.Prefix);
        var job = new MirrorJob(source, Source, destination, target, WithHistory, Options);
        Assert.True((await job.RunAsync()).Ok);
        var stacks = await MirroredHistory.StacksAsync(source, History.Bucket, RecordedHistory.Prefix);
        // As if the run had stopped there: take the newest one or two versions or markers off every third key.
        var removed = 0;
        var keys = 0;
        await foreach (var history in VersionWalker.WalkAsync(destination, bucket, target.Prefix))
        {
            if (keys++ % 3 != 0) continue;
            foreach (var version in history.Versions.Take(1 + keys % 2))
            {
                await destination.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = history.Key, VersionId = version.VersionId });
                removed++;
            }
        }

        var rerun = await job.RunAsync();

        Assert.True(rerun.Ok, string.Join("\n", rerun.Failures));
        Assert.Equal(removed, rerun.Plan.VersionsToMirror + rerun.Plan.MarkersToMirror);
        Assert.Equal(Sorted(stacks), Sorted(await MirroredHistory.StacksAsync(destination, bucket, target.Prefix)));
    }

    [Fact]
    public async Task A_mirror_interrupted_while_copying_finishes_on_the_next_run_without_a_duplicate_version()
    {
        using var source = History.Server.CreateClient();
        using var destination = servers.Destination.CreateClient();
        var bucket = await servers.Destination.CreateBucketAsync(versioning: true, stem: "interrupted");
        var target = new S3Uri(bucket, RecordedHistory.Prefix);
        var job = new MirrorJob(source, Source, destination, target, WithHistory, Options with { Concurrency = 4 });
        var progress = new RecoveryProgress();
        using var stop = new CancellationTokenSource();
        var run = job.RunAsync(progress, stop.Token);
        while (!run.IsCompleted && progress.StepsDone < 60) await Task.Delay(1);
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }

        var rerun = await new MirrorJob(source, Source, destination, target, WithHistory, Options).RunAsync();

        Assert.True(rerun.Ok, string.Join("\n", rerun.Failures));
        var stacks = await MirroredHistory.StacksAsync(source, History.Bucket, RecordedHistory.Prefix);
        Assert.Equal(Sorted(stacks), Sorted(await MirroredHistory.StacksAsync(destination, bucket, target.Prefix)));
    }

    [Fact]
    public async Task A_mirror_with_history_into_an_unversioned_bucket_is_refused_and_writes_nothing()
    {
        using var source = History.Server.CreateClient();
        using var destination = servers.Destination.CreateClient();
        var bucket = await servers.Destination.CreateBucketAsync(stem: "plain");
        var job = new MirrorJob(source, Source, destination, new S3Uri(bucket, ""), WithHistory, Options);

        var error = await Assert.ThrowsAsync<StrataClientException>(() => job.RunAsync());

        Assert.Contains("Versioning is not enabled on the destination bucket", error.Message);
        Assert.Empty(await MirroredHistory.CurrentAsync(destination, bucket, ""));
    }

    private static List<KeyValuePair<string, T>> Sorted<T>(Dictionary<string, T> map) =>
        map.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
}
