namespace Strata.Client.Tests;

/// <summary>
/// Undelete run with the key a web application should hold: it may read, write and add delete markers,
/// but never destroy a version (no s3:DeleteObjectVersion).
/// </summary>
public sealed class UndeletingWithLeastPrivilege(StrataServer server) : IClassFixture<StrataServer>
{
    private static readonly RecoveryOptions Options = new() { Concurrency = 4 };

    private static string PolicyWithoutDeleteObjectVersion(string bucket) => $$"""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions"],"Resource":"arn:aws:s3:::{{bucket}}"},
          {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::{{bucket}}/*"}
        ]}
        """;

    /// <summary>
    /// Six keys with two versions each, written by the web application's key; 0, 2 and 4 deleted by it
    /// (4 twice, so two markers). Returns the root client, the app's client and the bucket.
    /// </summary>
    private async Task<(AmazonS3Client Root, AmazonS3Client App, string Bucket)> DeletedByTheAppAsync()
    {
        var root = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var (id, secret) = await server.CreateUserAsync("webapp-" + Guid.NewGuid().ToString("N")[..8], PolicyWithoutDeleteObjectVersion(bucket));
        var app = server.CreateClient(id, secret);
        for (var i = 0; i < 6; i++)
        {
            await app.PutObjectAsync(new() { BucketName = bucket, Key = $"media/{i}.jpg", ContentBody = $"first {i}" });
            await app.PutObjectAsync(new() { BucketName = bucket, Key = $"media/{i}.jpg", ContentBody = $"second {i}", ContentType = "image/jpeg" });
        }
        foreach (var i in new[] { 0, 2, 4, 4 }) await app.DeleteObjectAsync(bucket, $"media/{i}.jpg");
        return (root, app, bucket);
    }

    private static async Task<HashSet<string>> VersionIdsAsync(IAmazonS3 root, string bucket) =>
        (await root.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!.Select(v => v.VersionId).ToHashSet();

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }

    [Fact]
    public async Task Undelete_by_copy_works_for_a_key_that_lacks_DeleteObjectVersion_and_destroys_no_version()
    {
        var (root, app, bucket) = await DeletedByTheAppAsync();
        using var _ = root;
        using var __ = app;
        var before = await VersionIdsAsync(root, bucket);

        var report = await new UndeleteJob(app, bucket, "media/", Options).RunAsync();

        Assert.True(report.Ok, string.Join("\n", report.Failures));
        Assert.Equal((6, 3, 3L), (report.Plan.KeysScanned, report.Plan.Copies, report.Succeeded));
        for (var i = 0; i < 6; i++) Assert.Equal($"second {i}", await ReadAsync(app, bucket, $"media/{i}.jpg"));
        var after = await VersionIdsAsync(root, bucket);
        Assert.Superset(before, after); // every version and marker is still there
        Assert.Equal(before.Count + 3, after.Count);
    }

    [Fact]
    public async Task Removing_markers_with_that_key_fails_naming_DeleteObjectVersion_and_removes_nothing()
    {
        var (root, app, bucket) = await DeletedByTheAppAsync();
        using var _ = root;
        using var __ = app;
        var before = await VersionIdsAsync(root, bucket);

        var report = await new UndeleteJob(app, bucket, "media/", Options) { RemoveMarkers = true }.RunAsync();

        Assert.False(report.Ok);
        Assert.Equal((4, 0L), (report.Plan.MarkersToRemove, report.Succeeded));
        Assert.Equal(["media/0.jpg", "media/2.jpg", "media/4.jpg", "media/4.jpg"], report.Failures.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.All(report.Failures, failure =>
        {
            Assert.Equal("remove-delete-marker", failure.Step);
            Assert.Contains($"Access denied: the credentials in use lack s3:DeleteObjectVersion on arn:aws:s3:::{bucket}/{failure.Key}", failure.Message);
            Assert.Contains("leave out --remove-markers", failure.Message);
        });
        Assert.Equal(before, await VersionIdsAsync(root, bucket));
        foreach (var i in new[] { 0, 2, 4 })
        {
            var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.GetObjectAsync(bucket, $"media/{i}.jpg"));
            Assert.Equal("NoSuchKey", error.ErrorCode);
        }
    }
}
