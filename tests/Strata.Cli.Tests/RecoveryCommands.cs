using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class RecoveryCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private async Task<(AmazonS3Client S3, string Bucket)> PhotosAsync()
    {
        var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        for (var i = 0; i < 6; i++)
        {
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = $"photos/{i}.jpg", ContentBody = $"first {i}" });
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = $"photos/{i}.jpg", ContentBody = $"second {i}" });
        }
        await s3.DeleteObjectAsync(bucket, "photos/1.jpg");
        await s3.DeleteObjectAsync(bucket, "photos/4.jpg");
        return (s3, bucket);
    }

    private static async Task<int> VersionCountAsync(IAmazonS3 s3, string bucket) =>
        (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions?.Count ?? 0;

    [Fact]
    public async Task Versions_as_json_parses_and_lists_each_key_newest_first()
    {
        var (s3, bucket) = await PhotosAsync();
        using var _ = s3;

        var result = await StrataCli.RunAsync(server, "versions", $"s3://{bucket}/photos/", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var keys = json.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(6, keys.Count);
        var deleted = keys[1].GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal("photos/1.jpg", keys[1].GetProperty("key").GetString());
        Assert.Equal(3, deleted.Count);
        Assert.True(deleted[0].GetProperty("isDeleteMarker").GetBoolean());
        Assert.True(deleted[0].GetProperty("isLatest").GetBoolean());
        Assert.Equal(8, deleted[1].GetProperty("size").GetInt32()); // "second 1" under the marker
    }

    [Fact]
    public async Task Versions_as_a_table_shows_keys_markers_and_a_summary()
    {
        var (s3, bucket) = await PhotosAsync();
        using var _ = s3;

        var result = await StrataCli.RunAsync(server, "versions", $"s3://{bucket}/photos/1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("photos/1.jpg", result.Stdout);
        Assert.Contains("delete marker", result.Stdout);
        Assert.Contains("1 key, 3 versions (1 delete marker)", result.Stdout);
    }

    [Fact]
    public async Task Undelete_dry_run_shows_the_plan_and_changes_nothing()
    {
        var (s3, bucket) = await PhotosAsync();
        using var _ = s3;
        var before = await VersionCountAsync(s3, bucket);

        var result = await StrataCli.RunAsync(server, "undelete", $"s3://{bucket}/photos/", "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Dry run", result.Stdout);
        Assert.Contains("copy 2 versions", result.Stdout);
        Assert.Equal(before, await VersionCountAsync(s3, bucket));
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "photos/1.jpg"));
    }

    [Fact]
    public async Task Undelete_brings_the_keys_back_and_reports_the_changes_as_json()
    {
        var (s3, bucket) = await PhotosAsync();
        using var _ = s3;

        var result = await StrataCli.RunAsync(server, "undelete", $"s3://{bucket}/photos/", "--json", "--concurrency", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("succeeded").GetInt32());
        using var back = await s3.GetObjectAsync(bucket, "photos/4.jpg");
        Assert.Equal("second 4", await new StreamReader(back.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Restore_in_place_at_a_time_leaves_nothing_for_diff_to_show()
    {
        var (s3, bucket) = await PhotosAsync();
        using var _ = s3;
        await Task.Delay(15);
        var at = DateTimeOffset.UtcNow.ToString("O");
        await Task.Delay(15);
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "photos/0.jpg", ContentBody = "vandalised" });
        await s3.DeleteObjectAsync(bucket, "photos/2.jpg");
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "photos/new.jpg", ContentBody = "new" });

        var before = await StrataCli.RunAsync(server, "diff", $"s3://{bucket}/photos/", "--at", at);
        var restore = await StrataCli.RunAsync(server, "restore", $"s3://{bucket}/photos/", "--at", at);
        var after = await StrataCli.RunAsync(server, "diff", $"s3://{bucket}/photos/", "--at", at, "--json");

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("3 changed: 1 added, 1 modified, 1 deleted.", before.Stdout);
        Assert.Contains("copy 2 versions", restore.Stdout);
        Assert.Contains("add 1 delete marker ", restore.Stdout);
        using var json = JsonDocument.Parse(after.Stdout);
        Assert.Empty(json.RootElement.GetProperty("changes").EnumerateArray());
    }

    [Fact]
    public async Task Restore_to_a_folder_writes_the_files_as_they_were()
    {
        var (s3, bucket) = await PhotosAsync();
        using var _ = s3;
        var folder = Path.Combine(Path.GetTempPath(), "strata-cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var result = await StrataCli.RunAsync(server, "restore", $"s3://{bucket}/photos/", "--at", "-0s", "--to-dir", folder);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(["0.jpg", "2.jpg", "3.jpg", "5.jpg"], Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order());
            Assert.Equal("second 3", await File.ReadAllTextAsync(Path.Combine(folder, "3.jpg")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Restoring_one_version_by_id_makes_it_the_latest()
    {
        var (s3, bucket) = await PhotosAsync();
        using var _ = s3;
        var first = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "photos/5.jpg" })).Versions[^1];

        var result = await StrataCli.RunAsync(server, "restore", $"s3://{bucket}/photos/5.jpg", "--version-id", first.VersionId);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var latest = await s3.GetObjectAsync(bucket, "photos/5.jpg");
        Assert.Equal("first 5", await new StreamReader(latest.ResponseStream).ReadToEndAsync());
    }
}
