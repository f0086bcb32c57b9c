namespace Strata.Cli.Tests;

public sealed class Refusals(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task An_unknown_bucket_exits_non_zero_with_a_plain_message_and_no_stack_trace()
    {
        var result = await StrataCli.RunAsync(server, "versions", "s3://no-such-bucket/photos/", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("Bucket 'no-such-bucket' does not exist at this endpoint", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    public async Task A_connection_limit_that_is_not_a_positive_count_stops_serve_before_it_starts(string setting)
    {
        var data = Path.Combine(Path.GetTempPath(), "strata-cli-maxconn-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var result = await StrataCli.RunAsync(["serve", "--data", data, "--listen", "127.0.0.1:0"],
                new Dictionary<string, string> { ["STRATA_MAX_CONNECTIONS"] = setting });

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("STRATA_MAX_CONNECTIONS", result.Stderr);
            Assert.DoesNotContain("serving S3", result.Stdout);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_time_in_neither_form_exits_2_and_names_the_forms_accepted()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);

        var result = await StrataCli.RunAsync(server, "restore", $"s3://{bucket}/", "--at", "yesterday");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ISO 8601", result.Stderr);
        Assert.Contains("-2h", result.Stderr);
    }

    [Fact]
    public async Task A_target_that_is_not_an_s3_uri_exits_2()
    {
        var result = await StrataCli.RunAsync(server, "undelete", "media/photos");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("s3://bucket/prefix", result.Stderr);
    }

    [Fact]
    public async Task A_wrong_secret_key_is_explained_in_plain_words()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);

        var result = await StrataCli.RunAsync(["versions", $"s3://{bucket}/", "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = "not-the-secret",
        });

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("secret key does not match", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Credentials_come_from_a_named_profile_in_the_shared_credentials_file()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var credentials = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(credentials, $"[strata-test]\naws_access_key_id = {StrataServer.AccessKey}\naws_secret_access_key = {StrataServer.SecretKey}\n");

            var result = await StrataCli.RunAsync(["versions", $"s3://{bucket}/", "--profile", "strata-test", "--endpoint-url", server.Endpoint.ToString()],
                new Dictionary<string, string> { ["AWS_SHARED_CREDENTIALS_FILE"] = credentials });
            var missing = await StrataCli.RunAsync(["versions", $"s3://{bucket}/", "--profile", "nobody", "--endpoint-url", server.Endpoint.ToString()],
                new Dictionary<string, string> { ["AWS_SHARED_CREDENTIALS_FILE"] = credentials });

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("No versions under", result.Stdout);
            Assert.Equal(3, missing.ExitCode);
            Assert.Contains("Profile 'nobody' was not found", missing.Stderr);
        }
        finally
        {
            File.Delete(credentials);
        }
    }

    // README: "2 wrong arguments". System.CommandLine answers its own parse errors with 1, which is also
    // "some keys failed", so a script cannot tell a typo from a partial recovery.
    [Fact]
    [Trait("Regression", "unknown-option-exits-1")]
    public async Task An_unknown_option_exits_2_like_any_other_wrong_argument()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);

        var result = await StrataCli.RunAsync(server, "undelete", $"s3://{bucket}/", "--no-such-option");

        Assert.Contains("--no-such-option", result.Stderr);
        Assert.Equal(2, result.ExitCode);
    }
}
