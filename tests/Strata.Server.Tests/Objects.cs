using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Server.Tests;

public sealed class Objects(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Put_then_get_returns_the_bytes_headers_and_metadata()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var body = "hello, strata";
        var put = new PutObjectRequest { BucketName = bucket, Key = "docs/hello.txt", ContentBody = body, ContentType = "text/plain" };
        put.Headers.ContentDisposition = "attachment; filename=\"hello.txt\"";
        put.Headers.ContentEncoding = "identity";
        put.Headers.CacheControl = "max-age=60";
        put.Headers.ContentLanguage = "en";
        put.Metadata.Add("x-amz-meta-author", "ada");
        var putResponse = await s3.PutObjectAsync(put);
        var md5 = "\"" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body))) + "\"";
        Assert.Equal(md5, putResponse.ETag);

        using var get = await s3.GetObjectAsync(bucket, "docs/hello.txt");
        Assert.Equal(body, await new StreamReader(get.ResponseStream).ReadToEndAsync());
        Assert.Equal(md5, get.ETag);
        Assert.Equal("text/plain", get.Headers.ContentType);
        Assert.Equal("attachment; filename=\"hello.txt\"", get.Headers.ContentDisposition);
        Assert.Equal("max-age=60", get.Headers.CacheControl);
        Assert.Equal("en", get.Headers.ContentLanguage);
        Assert.Equal("ada", get.Metadata["x-amz-meta-author"]);
        Assert.Equal(body.Length, get.ContentLength);

        var head = await s3.GetObjectMetadataAsync(bucket, "docs/hello.txt");
        Assert.Equal(md5, head.ETag);
        Assert.Equal(body.Length, head.ContentLength);
        Assert.Equal("ada", head.Metadata["x-amz-meta-author"]);
        Assert.Null(head.VersionId is "" ? null : head.VersionId); // never-versioned buckets show no version id
    }

    [Theory]
    [InlineData("a b+c%d.txt")]
    [InlineData("../../etc/passwd")]
    [InlineData("dir//double/slash/")]
    [InlineData("ünïcödé/日本語/файл.bin")]
    [InlineData("emoji 🎉 & <xml> 'quotes' \"double\"")]
    [InlineData("%2e%2e/encoded")]
    [InlineData("trailing space ")]
    [InlineData("question?mark#hash")]
    public async Task Keys_with_special_characters_round_trip_and_list_verbatim(string key)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        Assert.Equal(key, await Buckets.ReadAsync(s3, bucket, key));
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal([key], list.S3Objects!.Select(o => o.Key));
        // encoding-type=url answers S3's form encoding (space as '+'), which botocore decodes with unquote_plus.
        var listUrl = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Encoding = EncodingType.Url });
        Assert.Equal([key], listUrl.S3Objects!.Select(o => System.Net.WebUtility.UrlDecode(o.Key)));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(server.DataDirectory, "*", SearchOption.AllDirectories),
            p => p.Contains("passwd", StringComparison.Ordinal) || p.Contains("encoded", StringComparison.Ordinal));
        await s3.DeleteObjectAsync(bucket, key);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, key));
        Assert.Equal("NoSuchKey", gone.ErrorCode);
    }

    [Fact]
    public async Task A_key_over_1024_bytes_is_refused_with_KeyTooLongError()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1025), ContentBody = "x" }));
        Assert.Equal("KeyTooLongError", error.ErrorCode);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1024), ContentBody = "x" });
    }

    [Fact]
    public async Task Missing_key_answers_NoSuchKey_with_404()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "nope"));
        Assert.Equal("NoSuchKey", error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    [Fact]
    public async Task Wrong_Content_MD5_is_BadDigest_and_stores_nothing()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var wrong = Convert.ToBase64String(MD5.HashData("other"u8));
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "body", MD5Digest = wrong }));
        Assert.Equal("BadDigest", error.ErrorCode);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "a"));

        var right = Convert.ToBase64String(MD5.HashData("body"u8));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "body", MD5Digest = right });
        Assert.Equal("body", await Buckets.ReadAsync(s3, bucket, "a"));
    }

    [Fact]
    public async Task Conditional_put_with_If_None_Match_star_refuses_to_overwrite()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "once", ContentBody = "first", IfNoneMatch = "*" });
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "once", ContentBody = "second", IfNoneMatch = "*" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
        Assert.Equal("first", await Buckets.ReadAsync(s3, bucket, "once"));
    }

    [Fact]
    public async Task Conditional_put_with_If_Match_needs_the_current_ETag()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var first = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cas", ContentBody = "v1" });
        var stale = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cas", ContentBody = "v2", IfMatch = "\"00000000000000000000000000000000\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cas", ContentBody = "v2", IfMatch = first.ETag });
        Assert.Equal("v2", await Buckets.ReadAsync(s3, bucket, "cas"));
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "absent", ContentBody = "v", IfMatch = first.ETag }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
    }

    [Theory]
    [InlineData(0L, 9L, "0123456789")]
    [InlineData(10L, 15L, "abcdef")]
    [InlineData(30L, 100L, "uvwxyz")]
    public async Task Range_requests_answer_206_with_the_bytes_asked_for(long first, long last, string expected)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", ContentBody = "0123456789abcdefghijklmnopqrstuvwxyz" });
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(first, last) });
        Assert.Equal(HttpStatusCode.PartialContent, response.HttpStatusCode);
        Assert.Equal(expected, await new StreamReader(response.ResponseStream).ReadToEndAsync());
        Assert.Equal($"bytes {first}-{first + expected.Length - 1}/36", response.ContentRange);
    }

    [Fact]
    public async Task Suffix_and_open_ranges_and_unsatisfiable_ranges_behave_as_S3()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", ContentBody = "0123456789" });
        using (var suffix = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange("bytes=-3") }))
        {
            Assert.Equal("789", await new StreamReader(suffix.ResponseStream).ReadToEndAsync());
        }
        using (var open = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange("bytes=7-") }))
        {
            Assert.Equal("789", await new StreamReader(open.ResponseStream).ReadToEndAsync());
        }
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(50, 60) }));
        Assert.Equal("InvalidRange", error.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, error.StatusCode);
    }

    [Fact]
    public async Task Conditional_gets_answer_304_and_412_as_S3()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "content" });
        var head = await s3.GetObjectMetadataAsync(bucket, "c");

        using (var match = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = put.ETag }))
        {
            Assert.Equal(HttpStatusCode.OK, match.HttpStatusCode);
        }
        var notModified = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToNotMatch = put.ETag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        var failed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = "\"nope\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        var unmodified = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", UnmodifiedSinceDate = head.LastModified!.Value.AddHours(-1) }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, unmodified.StatusCode);
        var modified = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", ModifiedSinceDate = head.LastModified!.Value.AddHours(1) }));
        Assert.Equal(HttpStatusCode.NotModified, modified.StatusCode);
        using var since = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", ModifiedSinceDate = head.LastModified!.Value.AddHours(-1) });
        Assert.Equal(HttpStatusCode.OK, since.HttpStatusCode);
    }

    [Theory]
    [InlineData("If-None-Match", "match", HttpStatusCode.NotModified)]
    [InlineData("If-Match", "\"0123456789abcdef0123456789abcdef\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("If-Match", "match", HttpStatusCode.OK)]
    public async Task Conditional_answers_name_the_version_they_compared_with_its_ETag_and_Last_Modified(string header, string value, HttpStatusCode status)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "content" });
        var head = await s3.GetObjectMetadataAsync(bucket, "c");
        using var signed = server.CreateSigned();

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await signed.SendAsync(method, $"/{bucket}/c", headers: new Dictionary<string, string> { [header] = value == "match" ? put.ETag : value });

            Assert.Equal(status, response.StatusCode);
            Assert.Equal(put.ETag, response.Headers.ETag?.ToString());
            Assert.Equal(head.LastModified!.Value.ToUniversalTime(), response.Content.Headers.LastModified?.UtcDateTime);
        }
    }

    [Fact]
    public async Task Part_one_of_an_object_not_uploaded_in_parts_is_the_whole_object_and_part_two_is_InvalidPart()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "single", ContentBody = "body" });

        using (var first = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "single", PartNumber = 1 }))
        {
            Assert.Equal("body", await new StreamReader(first.ResponseStream).ReadToEndAsync());
        }
        var second = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "single", PartNumber = 2 }));
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("InvalidPart", second.ErrorCode);
    }

    [Theory]
    [InlineData("Hello World\u00e9", "Hello World\u00e9")] // Latin-1 carries it: read back as it was sent
    [InlineData("\u65e5\u672c", "=?UTF-8?B?5pel5pys?=")] // beyond Latin-1: RFC 2047, as S3 documents
    public async Task Metadata_beyond_ASCII_reads_back_as_S3_answers_it(string sent, string answered)
    {
        var bucket = await server.CreateBucketAsync();
        // boto3 sends a non-ASCII header value as UTF-8; S3 answers it as Latin-1, which is how boto3 reads it.
        var handler = new SocketsHttpHandler
        {
            RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8,
            ResponseHeaderEncodingSelector = (_, _) => System.Text.Encoding.Latin1,
        };
        using var signed = new SignedRequests(server.Endpoint, StrataServer.AccessKey, StrataServer.SecretKey, handler: handler);

        using var put = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/foo", body: "bar",
            headers: new Dictionary<string, string> { ["x-amz-meta-meta1"] = sent });
        using var get = await signed.SendAsync(HttpMethod.Get, $"/{bucket}/foo");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(answered, get.Headers.GetValues("x-amz-meta-meta1").Single());
    }

    [Fact]
    public async Task A_missing_key_says_no_delete_marker_hides_it()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "gone", ContentBody = "x" });
        await s3.DeleteObjectAsync(bucket, "gone");
        using var signed = server.CreateSigned();

        using var head = await signed.SendAsync(HttpMethod.Head, $"/{bucket}/gone");

        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal("false", head.Headers.GetValues("x-amz-delete-marker").Single());
    }

    [Fact]
    public async Task An_error_answered_instead_of_100_Continue_closes_the_connection_and_the_next_request_is_served()
    {
        using var signed = server.CreateSigned();
        var bucket = await server.CreateBucketAsync();

        using var refused = await signed.SendAsync(HttpMethod.Put, "/no-such-bucket-for-100-continue/k", body: "bar",
            headers: new Dictionary<string, string> { ["Expect"] = "100-continue" });
        using var next = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/k", body: "bar");

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.True(refused.Headers.ConnectionClose, "The connection stays open for a body the client will not send.");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_put_sent_with_chunked_transfer_encoding_is_stored_whole()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();

        // No Content-Length: the length shows only at the end of the chunked body.
        using var put = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/foo", body: "bar",
            headers: new Dictionary<string, string> { ["Transfer-Encoding"] = "chunked" });

        Assert.True(put.RequestMessage!.Headers.TransferEncodingChunked);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("bar", await Buckets.ReadAsync(s3, bucket, "foo"));
    }

    [Fact]
    public async Task Response_overrides_replace_headers_of_a_get()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "o", ContentBody = "x", ContentType = "text/plain" });
        var request = new GetObjectRequest { BucketName = bucket, Key = "o" };
        request.ResponseHeaderOverrides.ContentType = "application/json";
        request.ResponseHeaderOverrides.ContentDisposition = "attachment";
        using var response = await s3.GetObjectAsync(request);
        Assert.Equal("application/json", response.Headers.ContentType);
        Assert.Equal("attachment", response.Headers.ContentDisposition);
    }

    [Fact]
    public async Task An_empty_object_round_trips()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "empty", ContentBody = "" });
        using var response = await s3.GetObjectAsync(bucket, "empty");
        Assert.Equal(0, response.ContentLength);
        Assert.Equal("\"d41d8cd98f00b204e9800998ecf8427e\"", response.ETag);
    }

    [Fact]
    public async Task Large_object_spills_to_a_file_and_round_trips_byte_for_byte()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var bytes = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(bytes);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "big.bin", InputStream = new MemoryStream(bytes) });
        using var response = await s3.GetObjectAsync(bucket, "big.bin");
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(copy.ToArray()));
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(bytes)) + "\"", response.ETag);
    }

    [Fact]
    public async Task Metadata_over_2KB_is_refused_with_MetadataTooLarge()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var put = new PutObjectRequest { BucketName = bucket, Key = "m", ContentBody = "x" };
        put.Metadata.Add("x-amz-meta-big", new string('v', 2100));
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(put));
        Assert.Equal("MetadataTooLarge", error.ErrorCode);
    }
}
