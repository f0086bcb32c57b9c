using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>`strata admin stats`: the per-bucket figures of /metrics for people without Prometheus.</summary>
public sealed class StatsCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });

    [Fact]
    public async Task Stats_shows_what_versioning_costs_in_a_bucket()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "report.pdf", ContentBody = "first draft" });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "report.pdf", ContentBody = "final" });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "old.txt", ContentBody = "gone" });
        await s3.DeleteObjectAsync(bucket, "old.txt");

        var json = await AdminAsync("stats", bucket, "--json");
        var table = await AdminAsync("stats", bucket);

        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var figures = document.RootElement.GetProperty("buckets").EnumerateArray().Single();
        Assert.Equal(bucket, figures.GetProperty("bucket").GetString());
        Assert.Equal(1, figures.GetProperty("objects").GetInt64());
        Assert.Equal(3, figures.GetProperty("versions").GetInt64());
        Assert.Equal(1, figures.GetProperty("deleteMarkers").GetInt64());
        Assert.Equal("final".Length, figures.GetProperty("currentBytes").GetInt64());
        Assert.Equal("first draft".Length + "gone".Length, figures.GetProperty("noncurrentBytes").GetInt64());
        Assert.Equal(0, figures.GetProperty("multipartUploads").GetInt64());
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("NONCURRENTBYTES", table.Stdout);
        Assert.Contains(bucket, table.Stdout);
    }

    [Fact]
    public async Task Stats_of_every_bucket_lists_an_empty_new_one_and_the_blob_store()
    {
        var bucket = await server.CreateBucketAsync();

        var all = await AdminAsync("stats", "--json");

        Assert.True(all.ExitCode == 0, all.ToString());
        using var document = JsonDocument.Parse(all.Stdout);
        var figures = document.RootElement.GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("bucket").GetString() == bucket);
        Assert.Equal(0, figures.GetProperty("versions").GetInt64());
        Assert.True(document.RootElement.GetProperty("blobFiles").GetInt64() >= 0);
    }

    [Fact]
    public async Task Stats_of_a_missing_bucket_exits_1_and_of_a_malformed_name_exits_2()
    {
        var missing = await AdminAsync("stats", StrataServer.UniqueBucketName("absent"));
        var malformed = await AdminAsync("stats", "Not_A_Bucket");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("NoSuchBucket", missing.Stderr);
        Assert.DoesNotContain("   at ", missing.Stderr);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("is not a valid bucket name", malformed.Stderr);
    }
}
