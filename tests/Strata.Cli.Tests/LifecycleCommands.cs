using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;

namespace Strata.Cli.Tests;

/// <summary>`strata admin lifecycle run` and `status` against a running server, as an operator uses them.</summary>
public sealed class LifecycleCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });

    /// <summary>A bucket whose rule expires current objects under tmp/ from a date already past, so a run acts on the real clock.</summary>
    private async Task<string> BucketWithPastDateRuleAsync()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "scratch",
                        Status = LifecycleRuleStatus.Enabled,
                        Filter = new LifecycleFilter { Prefix = "tmp/" },
                        Expiration = new LifecycleRuleExpiration { Date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
                    },
                ],
            },
        });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tmp/a", ContentBody = "scratch" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep/b", ContentBody = "kept" });
        return bucket;
    }

    [Fact]
    public async Task Run_applies_the_rules_and_prints_the_figures_and_status_shows_them_again()
    {
        var bucket = await BucketWithPastDateRuleAsync();

        var run = await AdminAsync("lifecycle", "run", bucket, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using (var json = JsonDocument.Parse(run.Stdout))
        {
            var figures = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
            Assert.Equal(bucket, figures.GetProperty("bucket").GetString());
            Assert.Equal(2, figures.GetProperty("examined").GetInt64());
            Assert.Equal(1, figures.GetProperty("markersAdded").GetInt64());
            Assert.Equal(0, figures.GetProperty("removed").GetInt64());
        }
        using var s3 = server.CreateClient();
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!;
        Assert.True(versions.Single(v => v.Key == "tmp/a" && v.IsLatest == true).IsDeleteMarker);
        Assert.NotEqual(true, versions.Single(v => v.Key == "keep/b").IsDeleteMarker);

        var status = await AdminAsync("lifecycle", "status", bucket);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("scratch", status.Stdout);
        Assert.Contains("prefix 'tmp/'", status.Stdout);
        Assert.Contains("expire on 2020-01-01", status.Stdout);
        Assert.Contains("examined: 2", status.Stdout);
        Assert.Contains("markersAdded: 1", status.Stdout);
        Assert.Contains("bytesFreed: 0", status.Stdout);
        Assert.Contains("nextRun: ", status.Stdout);
        Assert.DoesNotContain("lastRun: never", status.Stdout);
    }

    [Fact]
    public async Task Status_of_a_bucket_without_rules_exits_1_with_S3s_words()
    {
        var bucket = await server.CreateBucketAsync();

        var status = await AdminAsync("lifecycle", "status", bucket);

        Assert.Equal(1, status.ExitCode);
        Assert.Contains("NoSuchLifecycleConfiguration", status.Stderr);
        Assert.DoesNotContain("   at ", status.Stderr);
    }

    [Fact]
    public async Task A_malformed_bucket_name_is_a_usage_error()
    {
        var run = await AdminAsync("lifecycle", "run", "Not_A_Bucket");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'Not_A_Bucket' is not a valid bucket name", run.Stderr);
    }

    [Fact]
    public async Task Run_without_a_bucket_covers_every_bucket_with_rules()
    {
        var bucket = await BucketWithPastDateRuleAsync();
        var without = await server.CreateBucketAsync();

        var run = await AdminAsync("lifecycle", "run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(bucket, run.Stdout);
        Assert.DoesNotContain(without, run.Stdout);
        Assert.Contains("MARKERSADDED", run.Stdout);
    }

    [Fact]
    public async Task Bench_lifecycle_removes_half_the_versions_and_reports_the_figures()
    {
        var bench = await StrataCli.RunAsync(["bench", "lifecycle", "--versions", "200", "--baseline-seconds", "1", "--get-concurrency", "1"],
            new Dictionary<string, string>());

        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains("lifecycle pass: 200 versions examined, 100 removed, 10000 bytes freed", bench.Stdout);
        Assert.Contains("4 KiB GET p99 during the pass: ", bench.Stdout);
    }

    [Fact]
    public async Task Bench_lifecycle_refuses_a_count_that_is_not_whole_keys()
    {
        var bench = await StrataCli.RunAsync(["bench", "lifecycle", "--versions", "105"], new Dictionary<string, string>());

        Assert.Equal(2, bench.ExitCode);
        Assert.Contains("--versions must be a multiple of --versions-per-key", bench.Stderr);
    }

    [Fact]
    public async Task Serve_applies_the_rules_on_its_schedule_and_logs_each_runs_figures()
    {
        var data = Path.Combine(Path.GetTempPath(), "strata-cli-lifecycle-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo(StrataCli.Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "serve", "--data", data, "--listen", "127.0.0.1:0", "--lifecycle-interval", "1s" },
        };
        start.Environment["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey;
        start.Environment["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey;
        using var process = Process.Start(start)!;
        var bucket = StrataServer.UniqueBucketName("scheduled");
        string? logged = null;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.Contains("serving S3", StringComparison.Ordinal))
                {
                    var at = line.IndexOf("http", StringComparison.Ordinal);
                    await PutPastDateRuleAsync(new Uri(line[at..line.IndexOf(' ', at)]), bucket);
                }
                if (line.Contains($"Lifecycle run on {bucket}", StringComparison.Ordinal))
                {
                    logged = line;
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }

        Assert.NotNull(logged);
        Assert.Contains("1 versions examined", logged);
        Assert.Contains("1 delete markers added", logged);
    }

    private static async Task PutPastDateRuleAsync(Uri endpoint, string bucket)
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(StrataServer.AccessKey, StrataServer.SecretKey),
            new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tmp/a", ContentBody = "scratch" });
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules = [new LifecycleRule { Id = "past", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "tmp/" },
                    Expiration = new LifecycleRuleExpiration { Date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) } }],
            },
        });
    }
}
