using System.Net;
using System.Security.Cryptography;

namespace Strata.Server.Tests;

/// <summary>SigV4 in every payload mode real clients use, presigned URLs, and refusals.</summary>
public sealed class Authentication(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Presigned_get_and_put_work_with_a_plain_http_client()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        using var http = new HttpClient();
        var putUrl = s3.GetPreSignedURL(new GetPreSignedUrlRequest { BucketName = bucket, Key = "presigned.txt", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        var put = await http.PutAsync(putUrl, new StringContent("via presigned put"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var getUrl = s3.GetPreSignedURL(new GetPreSignedUrlRequest { BucketName = bucket, Key = "presigned.txt", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        Assert.Equal("via presigned put", await http.GetStringAsync(getUrl));
    }

    [Fact]
    public async Task An_expired_presigned_url_is_refused()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var url = s3.GetPreSignedURL(new GetPreSignedUrlRequest { BucketName = bucket, Key = "k", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddSeconds(1), Protocol = Protocol.HTTP });
        await Task.Delay(2100);
        using var http = new HttpClient();
        var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Anonymous_requests_are_refused_with_AccessDenied_and_change_nothing()
    {
        var bucket = await server.CreateBucketAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        var put = await http.PutAsync($"/{bucket}/anon.txt", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        var body = await put.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code>", body);
        Assert.Contains("<RequestId>", body);
        using var s3 = server.CreateClient();
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "anon.txt"));
    }

    [Fact]
    public async Task A_wrong_secret_is_SignatureDoesNotMatch_and_an_unknown_key_InvalidAccessKeyId()
    {
        var bucket = await server.CreateBucketAsync();
        using var wrongSecret = server.CreateClient(secretKey: "not-the-secret-0000000000000000000000000");
        var signature = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => wrongSecret.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" }));
        Assert.Equal("SignatureDoesNotMatch", signature.ErrorCode);
        using var unknown = server.CreateClient(accessKey: "AKIAUNKNOWNKEY000000");
        var key = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => unknown.ListBucketsAsync());
        Assert.Equal("InvalidAccessKeyId", key.ErrorCode);
        using var s3 = server.CreateClient();
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "k"));
    }

    public static TheoryData<string> PayloadModes => new()
    {
        "default", "signed-chunks", "unsigned-payload-hash", "sha256-checksum", "crc32c-checksum", "sha1-checksum",
    };

    [Theory]
    [MemberData(nameof(PayloadModes))]
    public async Task Uploads_in_every_payload_mode_store_the_exact_bytes(string mode)
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        var bytes = new byte[200_000 + 3];
        Random.Shared.NextBytes(bytes);
        var put = new PutObjectRequest { BucketName = bucket, Key = "mode/" + mode, InputStream = new MemoryStream(bytes) };
        switch (mode)
        {
            case "signed-chunks":
                put.UseChunkEncoding = true;
                put.DisablePayloadSigning = false;
                break;
            case "unsigned-payload-hash":
                put.UseChunkEncoding = false;
                break;
            case "sha256-checksum":
                put.ChecksumAlgorithm = ChecksumAlgorithm.SHA256;
                break;
            case "crc32c-checksum":
                put.ChecksumAlgorithm = ChecksumAlgorithm.CRC32C;
                break;
            case "sha1-checksum":
                put.ChecksumAlgorithm = ChecksumAlgorithm.SHA1;
                break;
        }
        await s3.PutObjectAsync(put);
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mode/" + mode, ChecksumMode = ChecksumMode.ENABLED });
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(copy.ToArray()));
    }

    [Fact]
    public async Task A_chunked_upload_does_not_store_aws_chunked_as_the_objects_content_encoding()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        var put = new PutObjectRequest { BucketName = bucket, Key = "gz", ContentBody = "zipped?", UseChunkEncoding = true };
        put.Headers.ContentEncoding = "gzip";
        await s3.PutObjectAsync(put);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", ContentBody = "plain", UseChunkEncoding = true });
        Assert.Equal("gzip", (await s3.GetObjectMetadataAsync(bucket, "gz")).Headers.ContentEncoding);
        Assert.True(string.IsNullOrEmpty((await s3.GetObjectMetadataAsync(bucket, "plain")).Headers.ContentEncoding));
    }

    [Fact]
    public async Task A_checksum_the_body_does_not_match_is_BadDigest_and_stores_nothing()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        var put = new PutObjectRequest { BucketName = bucket, Key = "bad-checksum", ContentBody = "the real body", ChecksumSHA256 = Convert.ToBase64String(SHA256.HashData("another body"u8)) };
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(put));
        Assert.Equal("BadDigest", error.ErrorCode);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "bad-checksum"));
    }

    [Fact]
    public async Task The_stored_checksum_is_returned_when_asked_for()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        var body = "checksummed"u8.ToArray();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", InputStream = new MemoryStream(body), ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "c", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(body)), head.ChecksumSHA256);
    }

    [Fact]
    public async Task Health_endpoint_answers_without_credentials()
    {
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        var response = await http.GetAsync("/_strata/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Virtual_hosted_style_addresses_the_bucket_from_the_host_name()
    {
        var bucket = await server.CreateBucketAsync();
        using (var s3 = server.CreateClient())
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "vh.txt", ContentBody = "virtual" });
        }
        // The URL names BUCKET.localhost, as DNS would route it; the connection goes to the server's loopback port.
        using var vhost = server.CreateClient(configure: c =>
        {
            c.ServiceURL = $"http://localhost:{server.Endpoint.Port}";
            c.ForcePathStyle = false;
        });
        var url = vhost.GetPreSignedURL(new GetPreSignedUrlRequest { BucketName = bucket, Key = "vh.txt", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        Assert.StartsWith($"http://{bucket}.localhost:", url);
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        Assert.Equal("virtual", await http.GetStringAsync(url));
    }
}
