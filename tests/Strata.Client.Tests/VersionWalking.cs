namespace Strata.Client.Tests;

public sealed class VersionWalking(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Each_key_arrives_once_with_its_versions_newest_first_even_across_small_pages()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var written = new Dictionary<string, List<string>>();
        foreach (var key in new[] { "a", "b/1", "b/2", "c" })
        {
            written[key] = [];
            for (var i = 0; i < 4; i++) written[key].Insert(0, (await s3.PutObjectAsync(new() { BucketName = bucket, Key = key, ContentBody = $"{key}{i}" })).VersionId);
        }
        written["b/1"].Insert(0, (await s3.DeleteObjectAsync(bucket, "b/1")).VersionId);

        var seen = new List<KeyHistory>();
        await foreach (var history in VersionWalker.WalkAsync(s3, bucket, "", pageSize: 3)) seen.Add(history);

        Assert.Equal(["a", "b/1", "b/2", "c"], seen.Select(h => h.Key));
        foreach (var history in seen)
        {
            Assert.Equal(written[history.Key], history.Versions.Select(v => v.VersionId));
            Assert.True(history.Latest.IsLatest);
        }
        Assert.True(seen[1].Latest.IsDeleteMarker);
        Assert.Null(seen[1].Current);
        Assert.Equal(written["b/1"][1], seen[1].NewestObject!.VersionId);
    }

    [Fact]
    public async Task Walking_a_bucket_that_does_not_exist_says_so_in_plain_words()
    {
        using var s3 = server.CreateClient();
        var error = await Assert.ThrowsAsync<StrataClientException>(async () =>
        {
            await foreach (var _ in VersionWalker.WalkAsync(s3, "no-such-bucket-here", ""))
            {
            }
        });
        Assert.Contains("Bucket 'no-such-bucket-here' does not exist", error.Message);
    }

    [Fact]
    public async Task Diff_lists_added_modified_and_deleted_keys_with_the_versions_then_and_now()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var kept = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "kept", ContentBody = "same" });
        var old = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "changed", ContentBody = "old" });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "gone", ContentBody = "here" });
        var at = await Clock.BetweenPhasesAsync();
        var changed = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "changed", ContentBody = "new" });
        await s3.DeleteObjectAsync(bucket, "gone");
        var added = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "new", ContentBody = "fresh" });

        var changes = new List<KeyChange>();
        await foreach (var change in HistoryDiff.DiffAsync(s3, bucket, "", at)) changes.Add(change);

        Assert.Equal(3, changes.Count);
        Assert.Equal(("changed", ChangeKind.Modified, old.VersionId, changed.VersionId), (changes[0].Key, changes[0].Kind, changes[0].Then!.VersionId, changes[0].Now!.VersionId));
        Assert.Equal(("gone", ChangeKind.Deleted), (changes[1].Key, changes[1].Kind));
        Assert.Null(changes[1].Now);
        Assert.Equal(("new", ChangeKind.Added, added.VersionId), (changes[2].Key, changes[2].Kind, changes[2].Now!.VersionId));
        Assert.DoesNotContain(changes, c => c.Key == "kept" || c.Now?.VersionId == kept.VersionId);
    }
}

/// <summary>Separates phases of a history cleanly: S3 keeps LastModified to the millisecond.</summary>
internal static class Clock
{
    public static async Task<DateTimeOffset> BetweenPhasesAsync()
    {
        await Task.Delay(15);
        var at = DateTimeOffset.UtcNow;
        await Task.Delay(15);
        return at;
    }
}
