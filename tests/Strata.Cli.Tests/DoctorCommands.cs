using Amazon.S3.Model;

namespace Strata.Cli.Tests;

/// <summary>`strata doctor`: the recipe's set-up audited through the published binary against a real server (issue #16).</summary>
public sealed class DoctorCommands(StrataServer server) : IClassFixture<StrataServer>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-doctor-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteSetup(string media, string statics)
    {
        var path = Path.Combine(_directory, "strata.json");
        File.WriteAllText(path, $$"""
            {
              "buckets": [
                { "name": "{{media}}", "role": "media", "noncurrentVersionExpirationDays": 30 },
                { "name": "{{statics}}", "role": "static" }
              ]
            }
            """);
        return path;
    }

    private Task<CliResult> DoctorAsync(string config, (string Id, string Secret)? app, params string[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        };
        var args = new List<string> { "doctor", "--config", config, "--endpoint-url", server.Endpoint.ToString() };
        if (app is { } key)
        {
            args.AddRange(["--app-access-key", key.Id]);
            environment["STRATA_APP_SECRET_KEY"] = key.Secret;
        }
        args.AddRange(extra);
        return StrataCli.RunAsync(args, environment);
    }

    private static string AppPolicy(string media, bool allowDestroy) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::{{media}}" },
            { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"{{(allowDestroy ? ", \"s3:DeleteObjectVersion\"" : "")}}], "Resource": "arn:aws:s3:::{{media}}/*" }
          ]
        }
        """;

    private static string PublicReadPolicy(string bucket) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [ { "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{{bucket}}/*" } ]
        }
        """;

    private async Task<string> PublicStaticBucketAsync(AmazonS3Client s3)
    {
        var statics = StrataServer.UniqueBucketName("static");
        await s3.PutBucketAsync(statics);
        await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = statics });
        await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = statics, Policy = PublicReadPolicy(statics) });
        return statics;
    }

    [Fact]
    public async Task A_good_set_up_passes_every_check()
    {
        using var s3 = server.CreateClient();
        var media = StrataServer.UniqueBucketName("media");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = media, ObjectLockEnabledForBucket = true });
        await s3.PutBucketVersioningAsync(new() { BucketName = media, VersioningConfig = new() { Status = VersionStatus.Enabled } });
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = media,
            Configuration = new LifecycleConfiguration
            {
                Rules = [new LifecycleRule { Id = "noncurrent", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } }, NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 30 } }],
            },
        });
        await s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = media,
            PublicAccessBlockConfiguration = new() { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
        });
        var statics = await PublicStaticBucketAsync(s3);
        var app = await server.CreateUserAsync("good-" + Guid.NewGuid().ToString("N")[..8], AppPolicy(media, allowDestroy: false));

        var result = await DoctorAsync(WriteSetup(media, statics), app);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("FAIL", result.Stdout);
        Assert.Contains("All checks passed", result.Stdout);
        Assert.Matches(@"app key: destroy versions\s+pass\s+refused \(AccessDenied\)", result.Stdout);
        Assert.Matches(@"app key: change versioning\s+pass\s+refused \(AccessDenied\)", result.Stdout);
        Assert.Matches($@"media {media}: MFA Delete or Object Lock\s+pass\s+Object Lock is on", result.Stdout);
    }

    [Fact]
    public async Task A_bad_set_up_fails_with_each_finding_and_its_fix()
    {
        using var s3 = server.CreateClient();
        var media = await PublicStaticBucketAsync(s3); // unversioned and readable by anyone: everything media must not be
        var statics = StrataServer.UniqueBucketName("static");
        await s3.PutBucketAsync(statics);
        await s3.PutBucketVersioningAsync(new() { BucketName = statics, VersioningConfig = new() { Status = VersionStatus.Enabled } });
        var app = await server.CreateUserAsync("bad-" + Guid.NewGuid().ToString("N")[..8], AppPolicy(media, allowDestroy: true));

        var result = await DoctorAsync(WriteSetup(media, statics), app);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches($@"media {media}: versioning\s+FAIL\s+never enabled", result.Stdout);
        Assert.Contains($"fix: aws s3api put-bucket-versioning --bucket {media} --versioning-configuration Status=Enabled", result.Stdout);
        Assert.Matches($@"media {media}: not public \(policy\)\s+FAIL\s+PUBLIC", result.Stdout);
        Assert.Matches($@"media {media}: Block Public Access\s+FAIL", result.Stdout);
        Assert.Matches(@"app key: destroy versions\s+FAIL\s+ALLOWED: it may delete versions for good", result.Stdout);
        Assert.Matches($@"static {statics}: unversioned\s+FAIL\s+Enabled", result.Stdout);
        Assert.Contains("failed", result.Stdout);
        // The probes changed nothing: the media bucket is still unversioned, and nothing was written to it.
        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = media });
        Assert.NotEqual(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        var listed = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = media });
        Assert.Empty(listed.Versions ?? []);
    }

    [Fact]
    public async Task A_missing_bucket_fails_and_says_how_to_create_it()
    {
        var result = await DoctorAsync(WriteSetup(StrataServer.UniqueBucketName("media"), StrataServer.UniqueBucketName("static")), app: null);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"media [a-z0-9-]+: exists\s+FAIL\s+the bucket does not exist", result.Stdout);
    }

    [Fact]
    public async Task An_unreachable_endpoint_exits_3_in_plain_words()
    {
        var config = WriteSetup("media", "static");
        var result = await StrataCli.RunAsync(["doctor", "--config", config, "--endpoint-url", "http://127.0.0.1:9"], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        });

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith("strata: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task A_wrong_set_up_file_exits_2_naming_the_field()
    {
        var config = Path.Combine(_directory, "typo.json");
        File.WriteAllText(config, """{ "buckets": [ { "name": "media-x", "role": "media", "versoning": true } ] }""");

        var result = await DoctorAsync(config, app: null);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("unknown field \"versoning\"", result.Stderr);
        File.WriteAllText(config, """{ "buckets": [ { "name": "Media_Uploads", "role": "media" } ] }""");
        var badName = await DoctorAsync(config, app: null);
        Assert.True(badName.ExitCode == 2, badName.ToString());
        Assert.Contains("bucket \"Media_Uploads\": not a valid bucket name", badName.Stderr);
        var missing = await DoctorAsync(Path.Combine(_directory, "nowhere.json"), app: null);
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("Cannot read the set-up file", missing.Stderr);
    }
    [Fact]
    public async Task An_application_key_the_server_does_not_know_fails_the_probes()
    {
        using var s3 = server.CreateClient();
        var media = await server.CreateBucketAsync(versioning: true, stem: "media");

        var result = await DoctorAsync(WriteSetup(media, StrataServer.UniqueBucketName("static")), ("NOSUCHKEY0000000000", "not-a-secret"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"app key: destroy versions\s+FAIL\s+the key was not accepted \(InvalidAccessKeyId\)", result.Stdout);
    }
    [Fact]
    public async Task An_app_key_allowed_to_change_versioning_fails_and_the_probe_leaves_versioning_as_it_was()
    {
        using var s3 = server.CreateClient();
        var media = await server.CreateBucketAsync(versioning: true, stem: "media");
        var policy = $$"""
            {
              "Version": "2012-10-17",
              "Statement": [ { "Effect": "Allow", "Action": ["s3:PutObject", "s3:PutBucketVersioning"], "Resource": ["arn:aws:s3:::{{media}}", "arn:aws:s3:::{{media}}/*"] } ]
            }
            """;
        var app = await server.CreateUserAsync("loose-" + Guid.NewGuid().ToString("N")[..8], policy);

        var result = await DoctorAsync(WriteSetup(media, StrataServer.UniqueBucketName("static")), app);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"app key: change versioning\s+FAIL\s+ALLOWED: it could suspend versioning", result.Stdout);
        Assert.Matches(@"app key: destroy versions\s+pass", result.Stdout);
        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = media });
        Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        Assert.NotEqual(true, versioning.VersioningConfig.EnableMfaDelete);
    }
}
