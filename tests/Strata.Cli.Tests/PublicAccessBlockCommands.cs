namespace Strata.Cli.Tests;

/// <summary>`strata admin public-access-block get|set|delete`: the Block Public Access default for new buckets (issue #14).</summary>
public sealed class PublicAccessBlockCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", "public-access-block", .. args, "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });

    private async Task<PublicAccessBlockConfiguration?> NewBucketsSettingsAsync()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        try
        {
            return (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        }
        catch (AmazonS3Exception none) when (none.ErrorCode == "NoSuchPublicAccessBlockConfiguration")
        {
            return null;
        }
    }

    [Fact]
    public async Task Set_get_and_delete_the_default_that_new_buckets_start_with()
    {
        var unset = await AdminAsync("get");
        Assert.True(unset.ExitCode == 0, unset.ToString());
        Assert.Contains("set: false", unset.Stdout);

        var all = await AdminAsync("set", "--all");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains("blockPublicAcls: true", all.Stdout);
        Assert.Contains("restrictPublicBuckets: true", all.Stdout);
        var allOn = await NewBucketsSettingsAsync();
        Assert.NotNull(allOn);
        Assert.True(allOn.BlockPublicAcls == true && allOn.IgnorePublicAcls == true && allOn.BlockPublicPolicy == true && allOn.RestrictPublicBuckets == true);

        var some = await AdminAsync("set", "--block-public-policy", "--restrict-public-buckets");
        Assert.True(some.ExitCode == 0, some.ToString());
        var shown = await AdminAsync("get");
        Assert.Contains("blockPublicAcls: false", shown.Stdout);
        Assert.Contains("blockPublicPolicy: true", shown.Stdout);
        var partly = await NewBucketsSettingsAsync();
        Assert.NotNull(partly);
        Assert.False(partly.BlockPublicAcls);
        Assert.True(partly.BlockPublicPolicy);

        var deleted = await AdminAsync("delete");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal("Done.\n", deleted.Stdout);
        Assert.Contains("set: false", (await AdminAsync("get")).Stdout);
        Assert.Null(await NewBucketsSettingsAsync());
    }

    [Fact]
    public async Task Set_without_a_setting_is_a_usage_error_in_one_line()
    {
        var result = await AdminAsync("set");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--all", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Contains("set: false", (await AdminAsync("get")).Stdout); // nothing was set
    }
}
