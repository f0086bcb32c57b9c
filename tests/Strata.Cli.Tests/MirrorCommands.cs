using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>A second server for `strata mirror` to write to (a distinct type, so a test class can take both).</summary>
public sealed class DestinationServer : StrataServer;

/// <summary>`strata mirror` as a user runs it: the source by --endpoint-url and the environment, the destination by --dst-*.</summary>
public sealed class MirrorCommands(StrataServer server, DestinationServer destination) : IClassFixture<StrataServer>, IClassFixture<DestinationServer>
{
    private const string AllS3 = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""";

    private async Task<string> HistoryAsync()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "media");
        for (var i = 0; i < 4; i++)
        {
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = $"photos/{i}.jpg", ContentBody = $"first {i}" });
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = $"photos/{i}.jpg", ContentBody = $"second {i}" });
        }
        await s3.DeleteObjectAsync(bucket, "photos/1.jpg");
        return bucket; // 8 versions and 1 delete marker
    }

    private static async Task<int> VersionCountAsync(IAmazonS3 s3, string bucket) =>
        (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions?.Count ?? 0;

    private Task<CliResult> MirrorAsync(params string[] args) =>
        StrataCli.RunAsync(server, ["mirror", .. args, "--dst-endpoint-url", destination.Endpoint.ToString()]);

    [Fact]
    public async Task Mirror_with_history_signs_with_the_dst_profile_copies_every_version_and_a_second_run_has_nothing_to_do()
    {
        var bucket = await HistoryAsync();
        var target = await destination.CreateBucketAsync(versioning: true, stem: "moved");
        // The environment's key exists only on the source: the destination is reached only through --dst-profile.
        var (sourceKey, sourceSecret) = await server.CreateUserAsync("mirror-reader-" + Guid.NewGuid().ToString("N")[..6], AllS3);
        var credentials = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(credentials, $"[offsite]\naws_access_key_id = {StrataServer.AccessKey}\naws_secret_access_key = {StrataServer.SecretKey}\n");
            var environment = new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = sourceKey,
                ["AWS_SECRET_ACCESS_KEY"] = sourceSecret,
                ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            };
            string[] args = ["mirror", $"s3://{bucket}/photos/", $"s3://{target}/photos/", "--with-history", "--endpoint-url", server.Endpoint.ToString(),
                "--dst-endpoint-url", destination.Endpoint.ToString(), "--dst-profile", "offsite"];

            var first = await StrataCli.RunAsync(args, environment);
            var second = await StrataCli.RunAsync(args, environment);

            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("copy 8 versions to the destination", first.Stdout);
            Assert.Contains("make 1 delete marker at the destination", first.Stdout);
            Assert.Contains("Done in", first.Stdout);
            using var s3 = destination.CreateClient();
            Assert.Equal(9, await VersionCountAsync(s3, target));
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.Contains("nothing to do", second.Stdout);
            Assert.Contains("skip 9 versions already at the destination", second.Stdout);
            Assert.Equal(9, await VersionCountAsync(s3, target));
        }
        finally
        {
            File.Delete(credentials);
        }
    }

    [Fact]
    public async Task A_dry_run_as_json_gives_the_plan_and_writes_nothing()
    {
        var bucket = await HistoryAsync();
        var target = await destination.CreateBucketAsync(versioning: true, stem: "dry");

        var result = await MirrorAsync($"s3://{bucket}", $"s3://{target}", "--with-history", "--dry-run", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
        var plan = json.RootElement.GetProperty("plan");
        Assert.Equal(8, plan.GetProperty("versionsToMirror").GetInt32());
        Assert.Equal(1, plan.GetProperty("markersToMirror").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("steps").GetArrayLength());
        using var s3 = destination.CreateClient();
        Assert.Equal(0, await VersionCountAsync(s3, target));
    }

    [Fact]
    public async Task With_history_into_an_unversioned_bucket_is_refused_in_plain_words_with_exit_3()
    {
        var bucket = await HistoryAsync();
        var target = await destination.CreateBucketAsync(stem: "plain");

        var result = await MirrorAsync($"s3://{bucket}", $"s3://{target}", "--with-history");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Versioning is not enabled on the destination bucket", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task The_current_versions_go_to_an_unversioned_bucket()
    {
        var bucket = await HistoryAsync();
        var target = await destination.CreateBucketAsync(stem: "current");

        var result = await MirrorAsync($"s3://{bucket}/photos/", $"s3://{target}/");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var s3 = destination.CreateClient();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = target });
        Assert.Equal(["0.jpg", "2.jpg", "3.jpg"], listed.S3Objects.Select(o => o.Key).Order(StringComparer.Ordinal));
        using var copy = await s3.GetObjectAsync(target, "2.jpg");
        Assert.Equal("second 2", await new StreamReader(copy.ResponseStream).ReadToEndAsync());
    }

    [Theory]
    [InlineData("s3://only-one")]
    [InlineData("media", "s3://b")]
    [InlineData("s3://a", "s3://b", "--concurrency", "0")]
    [InlineData("s3://a", "s3://b", "--dst-endpoint-url", "127.0.0.1:9000")]
    [InlineData("s3://a", "s3://b", "--with-history", "--no-such-option")]
    public async Task Wrong_arguments_exit_2_with_a_plain_message(params string[] args)
    {
        var result = await StrataCli.RunAsync(server, ["mirror", .. args]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.NotEmpty(result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task An_unreachable_destination_is_named_as_the_destination_with_exit_3()
    {
        var bucket = await HistoryAsync();

        var result = await StrataCli.RunAsync(server, "mirror", $"s3://{bucket}", "s3://target", "--dst-endpoint-url", "http://127.0.0.1:1");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Destination: Nothing listens at 127.0.0.1:1", result.Stderr);
        Assert.Contains("--dst-endpoint-url", result.Stderr);
    }

    [Fact]
    public async Task A_missing_dst_profile_is_named_with_exit_3()
    {
        var bucket = await HistoryAsync();

        var result = await MirrorAsync($"s3://{bucket}", "s3://target", "--dst-profile", "nowhere");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Destination: Profile 'nowhere' was not found", result.Stderr);
    }
}
