using Amazon.S3.Model;

namespace Strata.Cli.Tests;

/// <summary>`strata apply strata.json`: the buckets of the recipe set up through the published binary, idempotently (issue #16).</summary>
public sealed class ApplyCommands(StrataServer server) : IClassFixture<StrataServer>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-apply-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteSetup(string media, string statics, string? appUser = null)
    {
        var user = appUser is null ? "" : $$""", "appUser": { "name": "{{appUser}}" }""";
        var path = Path.Combine(_directory, "strata.json");
        File.WriteAllText(path, $$"""
            {
              "buckets": [
                { "name": "{{media}}", "role": "media", "noncurrentVersionExpirationDays": 30 },
                { "name": "{{statics}}", "role": "static" }
              ]{{user}}
            }
            """);
        return path;
    }

    [Fact]
    public async Task Apply_sets_up_the_buckets_and_a_second_apply_changes_nothing()
    {
        var media = StrataServer.UniqueBucketName("media");
        var statics = StrataServer.UniqueBucketName("static");
        var appUser = "app-" + Guid.NewGuid().ToString("N")[..8];
        var config = WriteSetup(media, statics, appUser);

        var first = await StrataCli.RunAsync(server, "apply", config);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"{media}: create bucket", first.Stdout);
        Assert.Contains($"{media}: versioning Enabled", first.Stdout);
        Assert.Contains($"user {appUser}: create the application's user", first.Stdout);
        Assert.Contains("Applied", first.Stdout);
        using var s3 = server.CreateClient();
        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = media })).VersioningConfig.Status);
        Assert.True((await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = media })).PublicAccessBlockConfiguration.BlockPublicPolicy);
        Assert.True((await s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = statics })).PolicyStatus.IsPublic);
        Assert.NotEqual(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = statics })).VersioningConfig.Status);

        var second = await StrataCli.RunAsync(server, "apply", config);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("No changes", second.Stdout);
        var dryRun = await StrataCli.RunAsync(server, "apply", config, "--dry-run");
        Assert.Contains("No changes", dryRun.Stdout);

        var key = await StrataCli.RunAsync(["admin", "key", "create", appUser, "--json", "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });
        Assert.True(key.ExitCode == 0, key.ToString());
        using var keyJson = System.Text.Json.JsonDocument.Parse(key.Stdout);
        var doctor = await StrataCli.RunAsync(["doctor", "--config", config, "--endpoint-url", server.Endpoint.ToString(),
            "--app-access-key", keyJson.RootElement.GetProperty("accessKeyId").GetString()!], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
            ["STRATA_APP_SECRET_KEY"] = keyJson.RootElement.GetProperty("secretAccessKey").GetString()!,
        });
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.Matches(@"app key: destroy versions\s+pass\s+refused \(AccessDenied\)", doctor.Stdout);
        Assert.Matches(@"app key: change versioning\s+pass\s+refused \(AccessDenied\)", doctor.Stdout);
    }

    [Fact]
    public async Task A_dry_run_prints_the_plan_and_changes_nothing()
    {
        var media = StrataServer.UniqueBucketName("media");
        var config = WriteSetup(media, StrataServer.UniqueBucketName("static"));

        var result = await StrataCli.RunAsync(server, "apply", config, "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{media}: create bucket", result.Stdout);
        Assert.Contains("Dry run: nothing changed.", result.Stdout);
        using var s3 = server.CreateClient();
        var buckets = await s3.ListBucketsAsync();
        Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == media);
    }

    [Fact]
    public async Task Apply_says_plainly_that_versioning_cannot_be_turned_off()
    {
        var statics = await server.CreateBucketAsync(versioning: true, stem: "static");
        var config = WriteSetup(StrataServer.UniqueBucketName("media"), statics);

        var result = await StrataCli.RunAsync(server, "apply", config);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Cannot: {statics}: versioning is Enabled and cannot be turned off", result.Stdout);
    }
    [Fact]
    public async Task Apply_against_an_unreachable_endpoint_exits_3_having_changed_nothing()
    {
        var config = WriteSetup("media", "static");
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await StrataCli.RunAsync(["apply", config, "--endpoint-url", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        });

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Nothing listens at 127.0.0.1:", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Strata_alone_lists_apply_and_doctor()
    {
        var result = await StrataCli.RunAsync([], new Dictionary<string, string>());

        Assert.Matches(@"(?m)^  apply ", result.Stdout);
        Assert.Matches(@"(?m)^  doctor ", result.Stdout);
    }
    [Fact]
    public async Task The_sample_file_in_samples_Gallery_plans_the_media_static_pair_and_its_user()
    {
        var sample = Path.Combine(FiguresFile.RepositoryRoot(), "samples", "Gallery", "strata.json");

        var result = await StrataCli.RunAsync(server, "apply", sample, "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("gallery-media: versioning Enabled", result.Stdout);
        Assert.Contains("gallery-static: bucket policy: anyone may read objects", result.Stdout);
        Assert.Contains("user gallery-app: policy strata-media-access", result.Stdout);
        Assert.Contains("Dry run: nothing changed.", result.Stdout);
    }
}
