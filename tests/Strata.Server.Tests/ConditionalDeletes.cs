using System.Net;

namespace Strata.Server.Tests;

/// <summary>
/// S3's conditional deletes through AWSSDK.S3 (the user guide's "How to perform conditional deletes"): DeleteObject's
/// If-Match and DeleteObjects' ETag per object, evaluated against the current version. A refused delete changes nothing.
/// </summary>
public sealed class ConditionalDeletes(StrataServer server) : IClassFixture<StrataServer>
{
    private static async Task<HttpStatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return HttpStatusCode.NoContent;
        }
        catch (AmazonS3Exception e)
        {
            return e.StatusCode;
        }
    }

    private static async Task<int> VersionCountAsync(IAmazonS3 s3, string bucket, string key) =>
        (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = key })).Versions?.Count(v => v.Key == key) ?? 0;

    [Fact]
    public async Task A_delete_happens_only_when_the_current_etag_matches()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        var etag = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc.txt", ContentBody = "v1" })).ETag;

        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc.txt", IfMatch = "\"0123456789abcdef0123456789abcdef\"" }));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "PreconditionFailed"), (wrong.StatusCode, wrong.ErrorCode));
        Assert.Equal(1, await VersionCountAsync(s3, bucket, "doc.txt")); // refused: no marker

        var deleted = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc.txt", IfMatch = etag });
        Assert.Equal("true", deleted.DeleteMarker);

        // The current version is now a delete marker: there is no object to match, as S3 answers for a PUT's If-Match.
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc.txt", IfMatch = "*" }));
        Assert.Equal((HttpStatusCode.NotFound, "NoSuchKey"), (gone.StatusCode, gone.ErrorCode));
        Assert.Equal(2, await VersionCountAsync(s3, bucket, "doc.txt"));
    }

    [Fact]
    public async Task If_match_star_deletes_any_current_object_and_refuses_a_missing_one()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "never", IfMatch = "*" })));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "present", ContentBody = "x" });

        Assert.Equal(HttpStatusCode.NoContent, await StatusOfAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "present", IfMatch = "*" })));
        Assert.Equal(0, await VersionCountAsync(s3, bucket, "present"));
        // Without If-Match, deleting a missing key still succeeds, as always.
        Assert.Equal(HttpStatusCode.NoContent, await StatusOfAsync(() => s3.DeleteObjectAsync(bucket, "never")));
    }

    [Fact]
    public async Task A_condition_on_a_named_version_is_refused_and_changes_nothing()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "v.txt", ContentBody = "x" });

        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "v.txt", VersionId = put.VersionId, IfMatch = put.ETag }));

        Assert.Equal(HttpStatusCode.NotImplemented, refused.StatusCode);
        Assert.Equal(1, await VersionCountAsync(s3, bucket, "v.txt"));
    }

    [Fact]
    public async Task An_etag_condition_needs_read_rights_as_well()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var root = server.CreateClient();
        var etag = (await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" })).ETag;
        var (id, secret) = await server.CreateUserAsync("cond-delete-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var deleter = server.CreateClient(id, secret);

        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => deleter.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", IfMatch = etag }));

        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal(1, await VersionCountAsync(root, bucket, "k"));
        Assert.Equal(HttpStatusCode.NoContent, await StatusOfAsync(() => deleter.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", IfMatch = "*" })));
    }

    [Fact]
    public async Task DeleteObjects_takes_an_etag_per_object_and_reports_each_outcome()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        var a = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a" })).ETag;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "b" });

        // AWSSDK.S3 throws when any key failed; the answer is on the exception.
        var result = (await Assert.ThrowsAsync<DeleteObjectsException>(() => s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "a", ETag = a }, new KeyVersion { Key = "b", ETag = "\"ffffffffffffffffffffffffffffffff\"" }, new KeyVersion { Key = "c", ETag = "*" }],
        }))).Response;

        Assert.Equal(["a"], (result.DeletedObjects ?? []).Select(d => d.Key));
        Assert.Equal(["b PreconditionFailed", "c NoSuchKey"], (result.DeleteErrors ?? []).Select(e => $"{e.Key} {e.Code}").Order(StringComparer.Ordinal));
        Assert.Equal(1, await VersionCountAsync(s3, bucket, "b"));
    }
}
