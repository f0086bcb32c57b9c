using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>A plan a person can check before saying yes: which keys, in words whose numbers agree, and times read as meant.</summary>
public sealed class Plans(StrataServer server) : IClassFixture<StrataServer>
{
    private async Task<string> DeletedKeysAsync(IAmazonS3 s3, int count)
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        for (var i = 0; i < count; i++)
        {
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = $"docs/{i:00}.txt", ContentBody = $"text {i}" });
            await s3.DeleteObjectAsync(bucket, $"docs/{i:00}.txt");
        }
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "docs/kept.txt", ContentBody = "kept" });
        return bucket;
    }

    private Task<CliResult> RunInZoneAsync(string timeZone, params string[] args) =>
        StrataCli.RunAsync(args.Append("--endpoint-url").Append(server.Endpoint.ToString()), new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
            ["TZ"] = timeZone,
        });

    [Fact]
    public async Task Undelete_dry_run_names_each_key_that_would_come_back()
    {
        using var s3 = server.CreateClient();
        var bucket = await DeletedKeysAsync(s3, 2);

        var result = await StrataCli.RunAsync(server, "undelete", $"s3://{bucket}/docs/", "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"copy back +docs/00\.txt", result.Stdout);
        Assert.Matches(@"copy back +docs/01\.txt", result.Stdout);
        Assert.DoesNotContain("kept.txt", result.Stdout);
        Assert.Contains("3 keys walked", result.Stdout);
        Assert.Contains("copy 2 versions server-side", result.Stdout);
        Assert.DoesNotContain("more", result.Stdout);
    }

    [Fact]
    public async Task A_long_plan_shows_the_first_twenty_keys_and_how_many_more_and_json_lists_them_all()
    {
        using var s3 = server.CreateClient();
        var bucket = await DeletedKeysAsync(s3, 23);

        var text = await StrataCli.RunAsync(server, "undelete", $"s3://{bucket}/docs/", "--dry-run");
        var json = await StrataCli.RunAsync(server, "undelete", $"s3://{bucket}/docs/", "--dry-run", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("docs/19.txt", text.Stdout);
        Assert.DoesNotContain("docs/20.txt", text.Stdout);
        Assert.Contains("and 3 more (--json lists them all)", text.Stdout);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var steps = document.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"docs/{i:00}.txt"), steps.Select(s => s.GetProperty("key").GetString()));
        Assert.All(steps, s => Assert.Equal("copy", s.GetProperty("step").GetString()));
        Assert.Equal(23, document.RootElement.GetProperty("plan").GetProperty("copies").GetInt32());
    }

    [Fact]
    public async Task A_json_plan_refused_before_its_first_step_leaves_stdout_empty()
    {
        var result = await StrataCli.RunAsync(server, "undelete", "s3://no-such-bucket/docs/", "--dry-run", "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("no-such-bucket", result.Stderr);
    }

    [Fact]
    public async Task Counts_of_one_are_singular()
    {
        using var s3 = server.CreateClient();
        var bucket = await DeletedKeysAsync(s3, 1);

        var plan = await StrataCli.RunAsync(server, "undelete", $"s3://{bucket}/docs/00");
        var versions = await StrataCli.RunAsync(server, "versions", $"s3://{bucket}/docs/kept");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("1 key walked", plan.Stdout);
        Assert.Contains("copy 1 version server-side", plan.Stdout);
        Assert.Contains("1 change made", plan.Stdout);
        Assert.Contains("1 key, 1 version (0 delete markers)", versions.Stdout);
    }

    [Fact]
    public async Task Json_etags_are_escaped_once()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var put = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "a" });

        var result = await StrataCli.RunAsync(server, "versions", $"s3://{bucket}/", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"\"etag\": \"\\\"{put.ETag.Trim('"')}\\\"\"", result.Stdout);
        Assert.DoesNotContain("\\u0022", result.Stdout);
        using var document = JsonDocument.Parse(result.Stdout);
        var etag = document.RootElement.GetProperty("keys")[0].GetProperty("versions")[0].GetProperty("etag").GetString();
        Assert.Equal(put.ETag, etag);
    }

    [Theory]
    [InlineData("restore", "--at")]
    [InlineData("diff", "--at")]
    [InlineData("undelete", "--since")]
    [InlineData("versions", "--until")]
    public async Task A_time_in_the_future_is_refused_with_exit_2(string command, string option)
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var tomorrow = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        var result = await StrataCli.RunAsync(server, command, $"s3://{bucket}/", option, tomorrow);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("is in the future", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Theory]
    [InlineData("Asia/Tokyo", "2026-01-15T19:00:00", "2026-01-15T10:00:00.000Z")]
    [InlineData("UTC", "2026-01-15T19:00:00", "2026-01-15T19:00:00.000Z")]
    [InlineData("Asia/Tokyo", "2026-01-15T19:00:00Z", "2026-01-15T19:00:00.000Z")]
    public async Task A_time_without_a_zone_is_local_time(string timeZone, string time, string meant)
    {
        var bucket = await server.CreateBucketAsync(versioning: true);

        var result = await RunInZoneAsync(timeZone, "diff", $"s3://{bucket}/", "--at", time);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"since {meant}:", result.Stdout);
    }

    [Fact]
    public async Task Help_of_every_time_option_says_a_time_without_a_zone_is_local()
    {
        foreach (var command in new[] { "restore", "diff", "undelete", "versions" })
        {
            var result = await StrataCli.RunAsync([command, "--help"], new Dictionary<string, string>());

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("local time", result.Stdout);
        }
    }
}
