using System.Net;

namespace Strata.Server.Tests;

public sealed class CopyAndDelete(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Copy_keeps_metadata_by_default_and_replaces_it_with_REPLACE()
    {
        using var s3 = server.CreateClient();
        var source = await server.CreateBucketAsync();
        var target = await server.CreateBucketAsync();
        var put = new PutObjectRequest { BucketName = source, Key = "src.txt", ContentBody = "payload", ContentType = "text/plain" };
        put.Metadata.Add("x-amz-meta-color", "blue");
        await s3.PutObjectAsync(put);

        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = source, SourceKey = "src.txt", DestinationBucket = target, DestinationKey = "copied.txt" });
        Assert.Equal("\"" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("payload"u8)) + "\"", copy.ETag);
        var copied = await s3.GetObjectMetadataAsync(target, "copied.txt");
        Assert.Equal("blue", copied.Metadata["x-amz-meta-color"]);
        Assert.Equal("text/plain", copied.Headers.ContentType);
        Assert.Equal("payload", await Buckets.ReadAsync(s3, target, "copied.txt"));

        var replace = new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "src.txt", DestinationBucket = source, DestinationKey = "src.txt",
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "application/octet-stream",
        };
        replace.Metadata.Add("x-amz-meta-color", "red");
        await s3.CopyObjectAsync(replace);
        var replaced = await s3.GetObjectMetadataAsync(source, "src.txt");
        Assert.Equal("red", replaced.Metadata["x-amz-meta-color"]);
        Assert.Equal("application/octet-stream", replaced.Headers.ContentType);
    }

    [Fact]
    public async Task Copy_onto_itself_without_changes_is_InvalidRequest()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "self", ContentBody = "x" });
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "self", DestinationBucket = bucket, DestinationKey = "self" }));
        Assert.Equal("InvalidRequest", error.ErrorCode);
    }

    [Fact]
    public async Task Copy_source_conditions_fail_with_412_and_copy_nothing()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "x" });
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "a", DestinationBucket = bucket, DestinationKey = "b", ETagToMatch = "\"different\"",
        }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "b"));
        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "a", DestinationBucket = bucket, DestinationKey = "b", ETagToMatch = put.ETag });
        Assert.Equal("x", await Buckets.ReadAsync(s3, bucket, "b"));
    }

    [Fact]
    public async Task Copy_of_a_missing_source_is_NoSuchKey()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "none", DestinationBucket = bucket, DestinationKey = "b" }));
        Assert.Equal("NoSuchKey", error.ErrorCode);
    }

    [Fact]
    public async Task Delete_of_a_missing_key_succeeds_with_204()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var response = await s3.DeleteObjectAsync(bucket, "never-existed");
        Assert.Equal(HttpStatusCode.NoContent, response.HttpStatusCode);
    }

    [Fact]
    public async Task DeleteObjects_reports_each_key_and_quiet_mode_reports_only_errors()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        foreach (var key in new[] { "a", "b", "c" }) await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });

        var result = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b" }, new KeyVersion { Key = "missing" }],
        });
        Assert.Equal(["a", "b", "missing"], result.DeletedObjects!.Select(d => d.Key).Order());
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["c"], list.S3Objects!.Select(o => o.Key));

        var quiet = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new KeyVersion { Key = "c" }] });
        Assert.True(quiet.DeletedObjects is null || quiet.DeletedObjects.Count == 0);
        Assert.True(quiet.DeleteErrors is null || quiet.DeleteErrors.Count == 0);
        var empty = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.True(empty.S3Objects is null || empty.S3Objects.Count == 0);
    }

    [Fact]
    public async Task DeleteObjects_with_a_malformed_version_id_reports_that_entry_as_an_error()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var failure = await Assert.ThrowsAsync<DeleteObjectsException>(() => s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "k", VersionId = "not-a-version" }],
        }));
        var error = Assert.Single(failure.Response.DeleteErrors!);
        Assert.Equal("InvalidArgument", error.Code);
        Assert.Equal("x", await Buckets.ReadAsync(s3, bucket, "k"));
    }
}
