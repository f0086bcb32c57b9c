using System.Text.RegularExpressions;

namespace Strata.Cli.Tests;

/// <summary>
/// admin and bench name their endpoint and trust a CA the way the recovery commands do: AWS_ENDPOINT_URL,
/// --profile from the shared credentials file, --ca-bundle (or the profile's ca_bundle); and a bench run takes away what it wrote.
/// </summary>
public sealed class ClientConnections(StrataTlsServer tls) : IClassFixture<StrataTlsServer>
{
    private string CaBundle => tls.Host.CaCertificatePath!;

    [Fact]
    public async Task Admin_finds_its_server_in_AWS_ENDPOINT_URL_and_its_root_key_in_a_profile()
    {
        var name = "app-" + Guid.NewGuid().ToString("N")[..8];
        var credentials = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(credentials, $"[strata-root]\naws_access_key_id = {StrataServer.AccessKey}\naws_secret_access_key = {StrataServer.SecretKey}\n");
            var environment = new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL"] = tls.Endpoint.ToString(),
                ["AWS_CA_BUNDLE"] = CaBundle,
                ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            };

            var added = await StrataCli.RunAsync(["admin", "user", "add", name, "--profile", "strata-root"], environment);
            var listed = await StrataCli.RunAsync(["admin", "user", "list", "--profile", "strata-root"], environment);
            var unknown = await StrataCli.RunAsync(["admin", "user", "list", "--profile", "nobody"], environment);

            Assert.True(added.ExitCode == 0, added.ToString());
            Assert.Contains($"name: {name}", added.Stdout);
            Assert.True(listed.ExitCode == 0, listed.ToString());
            Assert.Contains(name, listed.Stdout);
            Assert.Equal(3, unknown.ExitCode);
            Assert.Contains("Profile 'nobody' was not found", unknown.Stderr);
        }
        finally
        {
            File.Delete(credentials);
        }
    }

    [Fact]
    public async Task Versions_finds_its_endpoint_and_keys_in_the_profile_of_the_shared_files()
    {
        var bucket = await tls.CreateBucketAsync(versioning: true);
        var config = Path.GetTempFileName();
        var credentials = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, $"[profile strata]\nendpoint_url = {tls.Endpoint}\nregion = us-east-1\n");
            await File.WriteAllTextAsync(credentials, $"[strata]\naws_access_key_id = {StrataServer.AccessKey}\naws_secret_access_key = {StrataServer.SecretKey}\n");

            var result = await StrataCli.RunAsync(["versions", $"s3://{bucket}/", "--profile", "strata", "--ca-bundle", CaBundle], new Dictionary<string, string>
            {
                ["AWS_CONFIG_FILE"] = config,
                ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            });

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"No versions under s3://{bucket}/", result.Stdout);
        }
        finally
        {
            File.Delete(config);
            File.Delete(credentials);
        }
    }

    [Fact]
    public async Task Versions_trusts_the_CA_that_the_profiles_ca_bundle_names_as_awscli_does()
    {
        var bucket = await tls.CreateBucketAsync(versioning: true);
        var config = Path.GetTempFileName();
        var credentials = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(credentials, $"[strata]\naws_access_key_id = {StrataServer.AccessKey}\naws_secret_access_key = {StrataServer.SecretKey}\n");
            var environment = new Dictionary<string, string> { ["AWS_CONFIG_FILE"] = config, ["AWS_SHARED_CREDENTIALS_FILE"] = credentials };
            string[] versions = ["versions", $"s3://{bucket}/", "--profile", "strata"];

            // Without ca_bundle the server's own CA is not trusted: the control, so that the check below can fail.
            await File.WriteAllTextAsync(config, $"[default]\nregion = us-east-1\n\n[profile strata]\nendpoint_url = {tls.Endpoint}\n");
            var untrusted = await StrataCli.RunAsync(versions, environment);
            // The setting as awscli's users write it, among a nested s3 block and another profile's settings.
            await File.WriteAllTextAsync(config, $"[default]\nregion = us-east-1\nca_bundle = /nonexistent/default.pem\n\n"
                + $"[profile strata]\nendpoint_url = {tls.Endpoint}\nca_bundle = {CaBundle}\ns3 =\n  addressing_style = path\n");
            var trusted = await StrataCli.RunAsync(versions, environment);

            Assert.NotEqual(0, untrusted.ExitCode);
            Assert.Contains("--ca-bundle", untrusted.Stderr);
            Assert.True(trusted.ExitCode == 0, trusted.ToString());
            Assert.Contains($"No versions under s3://{bucket}/", trusted.Stdout);
        }
        finally
        {
            File.Delete(config);
            File.Delete(credentials);
        }
    }

    [Fact]
    public async Task Admin_help_names_its_default_endpoint_and_the_shared_options()
    {
        var result = await StrataCli.RunAsync(["admin", "--help"], new Dictionary<string, string>());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("default http://127.0.0.1:9000", result.Stdout);
        Assert.Contains("--ca-bundle", result.Stdout);
        Assert.Contains("--profile", result.Stdout);
    }

    [Fact]
    public async Task Bench_trusts_the_servers_CA_with_ca_bundle_runs_a_comma_list_and_removes_the_bucket_it_made()
    {
        var bucket = StrataServer.UniqueBucketName("bench");

        var result = await BenchAsync("--workload", "put,get", "--bucket", bucket, "--ca-bundle", CaBundle);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^put\s+strata\s", result.Stdout);
        Assert.Matches(@"(?m)^get\s+strata\s", result.Stdout);
        Assert.Contains($"removed bucket {bucket} and the", result.Stdout);
        using var s3 = tls.CreateClient();
        Assert.DoesNotContain((await s3.ListBucketsAsync()).Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task Bench_on_a_bucket_that_existed_removes_only_its_own_objects_and_keeps_the_bucket()
    {
        var bucket = await tls.CreateBucketAsync(versioning: true, stem: "mine");
        using var s3 = tls.CreateClient();
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "keep.txt", ContentBody = "mine" });

        var result = await BenchAsync("--workload", "put", "--workload", "overwrite", "--bucket", bucket, "--ca-bundle", CaBundle);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("the bucket existed before and stays", result.Stdout);
        var left = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(new[] { "keep.txt" }, (left.Versions ?? []).Select(v => v.Key));
    }

    [Fact]
    public async Task Bench_with_keep_leaves_its_bucket_and_says_which()
    {
        var bucket = StrataServer.UniqueBucketName("kept");

        var result = await BenchAsync("--workload", "put", "--bucket", bucket, "--ca-bundle", CaBundle, "--keep");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"bucket {bucket} was left behind", result.Stdout);
        using var s3 = tls.CreateClient();
        Assert.NotEmpty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }

    [Fact]
    public async Task Bench_prints_the_table_once_with_the_ratios_on_stratas_row()
    {
        var result = await StrataCli.RunAsync(["bench", "--server", "--baseline", "--workload", "put", "--duration", "300ms"], new Dictionary<string, string>());

        Assert.True(result.ExitCode == 0, result.ToString());
        var strataRow = Regex.Match(result.Stdout, @"(?m)^put\s+strata\s.*$").Value;
        Assert.Matches(@"\d\.\d\dx\s+\d+\.\d\dx", strataRow);
        foreach (Match limit in Regex.Matches(result.Stdout, @"(?m)^\s+(disk-fsync|http-noop)\s.*$")) Assert.DoesNotMatch(@"\d\.\d\dx", limit.Value);
        Assert.Single(Regex.Matches(result.Stdout + result.Stderr, @"(?m)^workload\s+target"));
        Assert.DoesNotContain("ops/s", result.Stderr);
        Assert.DoesNotContain("large:", result.Stdout); // large did not run: no note about it
    }

    private Task<CliResult> BenchAsync(params string[] args) =>
        StrataCli.RunAsync(["bench", "--endpoint-url", tls.Endpoint.ToString(), "--duration", "300ms", "--concurrency", "4", "--objects", "8", .. args],
            new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
            });
}
