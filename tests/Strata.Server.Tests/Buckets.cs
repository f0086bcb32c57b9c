using System.Net;

namespace Strata.Server.Tests;

public sealed class Buckets(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Created_bucket_is_listed_found_by_head_and_gone_after_delete()
    {
        using var s3 = server.CreateClient();
        var name = StrataServer.UniqueBucketName();
        await s3.PutBucketAsync(name);

        var list = await s3.ListBucketsAsync();
        Assert.Contains(list.Buckets!, b => b.BucketName == name);
        var head = await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = name });
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);
        var location = await s3.GetBucketLocationAsync(name);
        Assert.True(location.Location is null || string.IsNullOrEmpty(location.Location.Value) || location.Location.Value == "us-east-1");

        await s3.DeleteBucketAsync(name);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.HeadBucketAsync(new HeadBucketRequest { BucketName = name }));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("UPPER-case")]
    [InlineData("under_score")]
    [InlineData("-starts-with-dash")]
    [InlineData("double..dot")]
    [InlineData("192.168.1.1")]
    [InlineData("xn--reserved-prefix")]
    public async Task Invalid_names_are_refused_with_InvalidBucketName(string name)
    {
        using var s3 = server.CreateClient();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(name));
        Assert.Equal("InvalidBucketName", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task Creating_a_bucket_you_already_own_in_us_east_1_answers_200_and_keeps_its_objects()
    {
        using var s3 = server.CreateClient();
        var name = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "keep.txt", ContentBody = "x" });

        var again = await s3.PutBucketAsync(name);

        Assert.Equal(HttpStatusCode.OK, again.HttpStatusCode);
        Assert.Equal("x", await ReadAsync(s3, name, "keep.txt"));
    }

    [Fact]
    public async Task A_bucket_with_an_object_cannot_be_deleted()
    {
        using var s3 = server.CreateClient();
        var name = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "keep.txt", ContentBody = "x" });
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(name));
        Assert.Equal("BucketNotEmpty", error.ErrorCode);
        Assert.Equal("x", await ReadAsync(s3, name, "keep.txt"));
    }

    [Fact]
    public async Task Operations_on_a_missing_bucket_answer_NoSuchBucket()
    {
        using var s3 = server.CreateClient();
        var name = StrataServer.UniqueBucketName("missing");
        var put = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "a", ContentBody = "x" }));
        Assert.Equal("NoSuchBucket", put.ErrorCode);
        var list = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name }));
        Assert.Equal("NoSuchBucket", list.ErrorCode);
        var delete = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(name));
        Assert.Equal("NoSuchBucket", delete.ErrorCode);
    }

    [Fact]
    public async Task Unimplemented_subresources_answer_501_NotImplemented_and_change_nothing()
    {
        using var s3 = server.CreateClient();
        var name = await server.CreateBucketAsync();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketWebsiteAsync(name, new WebsiteConfiguration { IndexDocumentSuffix = "index.html" }));
        Assert.Equal("NotImplemented", error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotImplemented, error.StatusCode);
    }

    [Theory]
    [InlineData("lifecycle", "NoSuchLifecycleConfiguration")]
    [InlineData("website", "NoSuchWebsiteConfiguration")]
    [InlineData("object-lock", "ObjectLockConfigurationNotFoundError")]
    public async Task Reading_a_configuration_that_cannot_be_set_answers_S3s_not_configured_404(string subresource, string code)
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        var response = await signed.SendAsync(HttpMethod.Get, $"/{bucket}", subresource);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"<Code>{code}</Code>", await response.Content.ReadAsStringAsync());
        var missing = await signed.SendAsync(HttpMethod.Get, $"/{StrataServer.UniqueBucketName("gone")}", subresource);
        Assert.Contains("<Code>NoSuchBucket</Code>", await missing.Content.ReadAsStringAsync());
    }

    internal static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key, string? versionId = null)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }
}

/// <summary>Outside us-east-1, S3 refuses to create a bucket again even for its owner.</summary>
public sealed class BucketsInAnotherRegion(BucketsInAnotherRegion.EuServer server) : IClassFixture<BucketsInAnotherRegion.EuServer>
{
    public sealed class EuServer : StrataServer
    {
        protected override string Region => "eu-west-1";
    }

    // The SDK names eu-west-1 "EU" in the LocationConstraint, S3's legacy name for it.
    [Fact]
    public async Task Creating_a_bucket_you_already_own_answers_BucketAlreadyOwnedByYou()
    {
        using var s3 = server.CreateClient();
        var name = StrataServer.UniqueBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = name, BucketRegionName = "eu-west-1" });

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(new PutBucketRequest { BucketName = name, BucketRegionName = "eu-west-1" }));

        Assert.Equal("BucketAlreadyOwnedByYou", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
    }
}
