using System.Net;

namespace Strata.Server.Tests;

/// <summary>
/// S3's conditional writes on every write that makes a version: If-None-Match: * (create only) and If-Match
/// (replace only what was read), evaluated inside the commit, so racing writers cannot both pass.
/// </summary>
public sealed class ConditionalWrites(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Of_many_racing_create_only_puts_exactly_one_wins_and_its_body_is_kept()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);

        var attempts = Enumerable.Range(0, 24).Select(async i =>
        {
            try
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "lock.json", ContentBody = $"writer {i}", IfNoneMatch = "*" });
                return (Writer: i, Status: HttpStatusCode.OK);
            }
            catch (AmazonS3Exception refused)
            {
                return (Writer: i, Status: refused.StatusCode);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, o => o.Status == HttpStatusCode.OK);
        Assert.All(outcomes.Where(o => o.Writer != winner.Writer), o => Assert.Equal(HttpStatusCode.PreconditionFailed, o.Status));
        Assert.Equal($"writer {winner.Writer}", await Buckets.ReadAsync(s3, bucket, "lock.json"));
        Assert.Single((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!);
    }

    [Fact]
    public async Task Create_only_is_allowed_again_once_a_delete_marker_is_on_top()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        await s3.DeleteObjectAsync(bucket, "k");

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two", IfNoneMatch = "*" });

        Assert.Equal("two", await Buckets.ReadAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task A_create_only_completion_onto_an_existing_key_is_412_and_the_upload_stays_completable()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "existing" });
        var (upload, etag) = await UploadOnePartAsync(s3, bucket, "k", "assembled");
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = upload, PartETags = [new PartETag(1, etag)], IfNoneMatch = "*" };

        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(complete));

        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("existing", await Buckets.ReadAsync(s3, bucket, "k"));
        complete.IfNoneMatch = null;
        await s3.CompleteMultipartUploadAsync(complete);
        Assert.Equal("assembled", await Buckets.ReadAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task A_completion_with_If_Match_replaces_only_the_version_it_names()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var current = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "v1" });
        var (upload, etag) = await UploadOnePartAsync(s3, bucket, "k", "v2");

        var stale = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = upload, PartETags = [new PartETag(1, etag)], IfMatch = "\"0123456789abcdef0123456789abcdef\"",
        }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = upload, PartETags = [new PartETag(1, etag)], IfMatch = current.ETag,
        });
        Assert.Equal("v2", await Buckets.ReadAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task A_copy_honours_the_destinations_conditions()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", ContentBody = "copied" });
        var taken = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "taken", ContentBody = "kept" });
        using var signed = server.CreateSigned();
        Task<HttpResponseMessage> CopyAsync(string destination, string header, string value) => signed.SendAsync(HttpMethod.Put, $"/{bucket}/{destination}",
            headers: new Dictionary<string, string> { ["x-amz-copy-source"] = $"/{bucket}/source", [header] = value });

        using (var refused = await CopyAsync("taken", "If-None-Match", "*"))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        }
        using (var stale = await CopyAsync("taken", "If-Match", "\"0123456789abcdef0123456789abcdef\""))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        }
        Assert.Equal("kept", await Buckets.ReadAsync(s3, bucket, "taken"));

        using (var created = await CopyAsync("fresh", "If-None-Match", "*"))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        using (var replaced = await CopyAsync("taken", "If-Match", taken.ETag))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }
        Assert.Equal("copied", await Buckets.ReadAsync(s3, bucket, "fresh"));
        Assert.Equal("copied", await Buckets.ReadAsync(s3, bucket, "taken"));
    }

    private static async Task<(string UploadId, string ETag)> UploadOnePartAsync(IAmazonS3 s3, string bucket, string key, string body)
    {
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var part = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)),
        });
        return (upload.UploadId, part.ETag);
    }
}
