using System.Net;
using System.Security.Cryptography;

namespace Strata.Server.Tests;

public sealed class Consistency(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task A_get_that_started_keeps_streaming_the_object_it_found_while_the_key_is_overwritten()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(); // unversioned: the overwrite removes the old version for good
        var original = new byte[4 * 1024 * 1024];
        Random.Shared.NextBytes(original);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "hot.bin", InputStream = new MemoryStream(original) });

        using var get = await s3.GetObjectAsync(bucket, "hot.bin");
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var first = await get.ResponseStream.ReadAsync(buffer);
        received.Write(buffer, 0, first);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "hot.bin", ContentBody = "replacement" });
        await get.ResponseStream.CopyToAsync(received);

        Assert.Equal(SHA256.HashData(original), SHA256.HashData(received.ToArray()));
        Assert.Equal("replacement", await Buckets.ReadAsync(s3, bucket, "hot.bin"));
    }

    [Fact]
    public async Task Reads_see_a_write_as_soon_as_it_is_acknowledged_and_a_delete_as_soon_as_it_is()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        for (var i = 0; i < 50; i++)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = $"v{i}" });
            Assert.Equal($"v{i}", await Buckets.ReadAsync(s3, bucket, "k"));
            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            Assert.Equal($"v{i}".Length, listed.S3Objects![0].Size);
        }
        await s3.DeleteObjectAsync(bucket, "k");
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "k"));
    }

    [Fact]
    public async Task A_request_signed_more_than_15_minutes_ago_is_RequestTimeTooSkewed_and_changes_nothing()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/late", body: "late", at: DateTimeOffset.UtcNow.AddMinutes(-16));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>RequestTimeTooSkewed</Code>", await response.Content.ReadAsStringAsync());
        var fresh = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/fresh", body: "fresh");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        using var s3 = server.CreateClient();
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "late"));
    }

    [Fact]
    public async Task Expect_100_continue_is_honoured_and_a_refused_request_never_needs_its_body()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        var accepted = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/expect", body: "body after 100", headers: new Dictionary<string, string> { ["expect"] = "100-continue" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var missing = await signed.SendAsync(HttpMethod.Put, $"/no-such-bucket-{Guid.NewGuid():N}"[..40] + "/x", body: "never read", headers: new Dictionary<string, string> { ["expect"] = "100-continue" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var s3 = server.CreateClient();
        Assert.Equal("body after 100", await Buckets.ReadAsync(s3, bucket, "expect"));
    }
}
