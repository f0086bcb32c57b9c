namespace Strata.Cli.Tests;

/// <summary>
/// docs/examples/webapp-policy.json, the least-privilege policy the README shows in full, attached as the README
/// says with `strata admin policy attach`: the app may put, get, list and delete behind a marker, never destroy a version.
/// </summary>
public sealed class WebappPolicy(StrataServer server) : IClassFixture<StrataServer>
{
    private static string PolicyFile => Path.Combine(FiguresFile.RepositoryRoot(), "docs", "examples", "webapp-policy.json");

    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });

    private async Task<AmazonS3Client> WebappAsync()
    {
        var added = await AdminAsync("user", "add", "webapp");
        Assert.True(added.ExitCode == 0, added.ToString());
        var attached = await AdminAsync("policy", "attach", "webapp", "webapp-media-access", "--file", PolicyFile);
        Assert.True(attached.ExitCode == 0, attached.ToString());
        var created = await AdminAsync("key", "create", "webapp", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(created.Stdout);
        return server.CreateClient(json.RootElement.GetProperty("accessKeyId").GetString()!, json.RootElement.GetProperty("secretAccessKey").GetString()!);
    }

    [Fact]
    public void The_README_shows_the_example_policy_in_full()
    {
        var readme = File.ReadAllText(Path.Combine(FiguresFile.RepositoryRoot(), "README.md"));

        Assert.Contains("```json\n" + File.ReadAllText(PolicyFile).TrimEnd() + "\n```", readme);
    }

    [Fact]
    public async Task The_example_policy_lets_the_app_put_get_list_and_delete_behind_a_marker_but_never_destroy_a_version()
    {
        using var root = server.CreateClient();
        await root.PutBucketAsync("media");
        await root.PutBucketVersioningAsync(new() { BucketName = "media", VersioningConfig = new() { Status = VersionStatus.Enabled } });
        await root.PutBucketAsync("other");
        using var app = await WebappAsync();

        var put = await app.PutObjectAsync(new() { BucketName = "media", Key = "photos/a.jpg", ContentBody = "a photo" });
        using (var got = await app.GetObjectAsync("media", "photos/a.jpg"))
        {
            Assert.Equal("a photo", await new StreamReader(got.ResponseStream).ReadToEndAsync());
        }
        var listed = await app.ListObjectsV2Async(new() { BucketName = "media", Prefix = "photos/" });
        Assert.Equal(["photos/a.jpg"], listed.S3Objects.Select(o => o.Key));
        var deleted = await app.DeleteObjectAsync("media", "photos/a.jpg");
        Assert.Equal("true", deleted.DeleteMarker);

        var destroy = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.DeleteObjectAsync(new() { BucketName = "media", Key = "photos/a.jpg", VersionId = put.VersionId }));
        Assert.Equal("AccessDenied", destroy.ErrorCode);
        var suspend = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.PutBucketVersioningAsync(new() { BucketName = "media", VersioningConfig = new() { Status = VersionStatus.Suspended } }));
        Assert.Equal("AccessDenied", suspend.ErrorCode);
        var elsewhere = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.PutObjectAsync(new() { BucketName = "other", Key = "a.jpg", ContentBody = "a" }));
        Assert.Equal("AccessDenied", elsewhere.ErrorCode);
        var versions = await root.ListVersionsAsync(new ListVersionsRequest { BucketName = "media" });
        Assert.Contains(versions.Versions, v => v.VersionId == put.VersionId && v.IsDeleteMarker != true);
    }
}
