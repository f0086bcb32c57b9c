using System.Net;
using System.Text.Json;

namespace Strata.Server.Tests;

/// <summary>
/// Rot in stored bodies: a byte flipped in a blob file or in an inline body (metadata.db opened while the server is stopped),
/// a blob file gone. A scrub names each by bucket, key and version id; a GET of one never answers a clean 200 with wrong
/// bytes; everything else still serves.
/// </summary>
public sealed class Scrubbing : IAsyncLifetime
{
    private const int BlobSize = 1024 * 1024; // above 16 KiB (inline) and 256 KiB (one read of a GET): found while streaming
    private readonly StrataServer _server = new();

    public Task InitializeAsync() => _server.StartAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_clean_data_directory_scrubs_with_no_findings_and_every_body_already_has_its_checksum()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        await PutAsync(s3, bucket, "small.txt", Bytes(1000, 1));
        await PutAsync(s3, bucket, "big.bin", Bytes(BlobSize, 2));
        await PutMultipartAsync(s3, bucket, "parts.bin", Bytes(5 * 1024 * 1024, 3), Bytes(100_000, 4));

        using var scrub = await ScrubAsync();
        Assert.Equal(0, scrub.RootElement.GetProperty("damaged").GetInt32());
        Assert.Empty(scrub.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(3, scrub.RootElement.GetProperty("versions").GetInt64());
        Assert.Equal(4, scrub.RootElement.GetProperty("bodies").GetInt64()); // two bodies and two parts
        Assert.Equal(0, scrub.RootElement.GetProperty("checksumsAdded").GetInt64()); // all were hashed as they were written
    }

    [Fact]
    public async Task Scrub_names_a_rotten_blob_byte_and_a_rotten_inline_body_by_key_and_version_and_GETs_of_them_fail_while_others_serve()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        var rottenBlob = await PutAsync(s3, bucket, "photos/rotten.jpg", Bytes(BlobSize, 5));
        var rottenInline = await PutAsync(s3, bucket, "notes/rotten.txt", Bytes(2000, 6));
        var goodBlob = Bytes(BlobSize, 7);
        var goodInline = Bytes(2000, 8);
        await PutAsync(s3, bucket, "photos/good.jpg", goodBlob);
        await PutAsync(s3, bucket, "notes/good.txt", goodInline);

        await _server.StopAsync();
        StoredBodies.FlipBlobByte(_server.DataDirectory, rottenBlob, offset: 123_456);
        StoredBodies.FlipInlineByte(_server.DataDirectory, rottenInline);
        await _server.StartAsync();
        using var s3Again = _server.CreateClient();

        using var scrub = await ScrubAsync();
        var findings = scrub.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.GetProperty("bucket").GetString() == bucket && f.GetProperty("key").GetString() == "photos/rotten.jpg"
            && f.GetProperty("versionId").GetString() == rottenBlob && f.GetProperty("problem").GetString() == "mismatch");
        Assert.Contains(findings, f => f.GetProperty("key").GetString() == "notes/rotten.txt" && f.GetProperty("versionId").GetString() == rottenInline);

        // Refused at once, by the scrub's record: a whole GET, a HEAD, a Range GET and a copy alike.
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(bucket, "photos/rotten.jpg"));
        await AssertInternalErrorAsync(() => s3Again.GetObjectMetadataAsync(bucket, "photos/rotten.jpg"));
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "photos/rotten.jpg", ByteRange = new ByteRange(0, 99) }));
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(bucket, "notes/rotten.txt"));
        await AssertInternalErrorAsync(() => s3Again.CopyObjectAsync(bucket, "notes/rotten.txt", bucket, "notes/copy.txt"));

        Assert.Equal(goodBlob, await ReadAsync(s3Again, bucket, "photos/good.jpg"));
        Assert.Equal(goodInline, await ReadAsync(s3Again, bucket, "notes/good.txt"));

        // What the scrub found is remembered: GET /_strata/admin/scrub answers it without reading again.
        using var last = await AdminAsync(HttpMethod.Get);
        Assert.Equal(2, last.RootElement.GetProperty("findings").GetArrayLength());

        // A new version of the key is sound and serves; the damaged one stays refused.
        await PutAsync(s3Again, bucket, "notes/rotten.txt", goodInline);
        Assert.Equal(goodInline, await ReadAsync(s3Again, bucket, "notes/rotten.txt"));
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "notes/rotten.txt", VersionId = rottenInline }));

        // Deleting a damaged version (once restored from elsewhere) takes it off the report.
        await s3Again.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "notes/rotten.txt", VersionId = rottenInline });
        using var afterDelete = await AdminAsync(HttpMethod.Get);
        var left = Assert.Single(afterDelete.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(rottenBlob, left.GetProperty("versionId").GetString());
    }

    [Fact]
    public async Task A_rotten_inline_body_is_refused_by_GET_and_HEAD_before_any_scrub()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        var rotten = await PutAsync(s3, bucket, "rotten.txt", Bytes(3000, 9));
        await _server.StopAsync();
        StoredBodies.FlipInlineByte(_server.DataDirectory, rotten);
        await _server.StartAsync();
        using var s3Again = _server.CreateClient();

        await AssertInternalErrorAsync(() => s3Again.GetObjectMetadataAsync(bucket, "rotten.txt"));
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(bucket, "rotten.txt"));
    }

    [Fact]
    public async Task A_blob_found_rotten_while_streaming_cuts_the_transfer_for_the_SDK_and_a_raw_client_and_is_refused_at_once_after()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        var forSdk = await PutAsync(s3, bucket, "sdk.bin", Bytes(BlobSize, 10));
        var forRaw = await PutAsync(s3, bucket, "raw.bin", Bytes(BlobSize, 11));
        await _server.StopAsync();
        StoredBodies.FlipBlobByte(_server.DataDirectory, forSdk, offset: BlobSize - 10);
        StoredBodies.FlipBlobByte(_server.DataDirectory, forRaw, offset: 5);
        await _server.StartAsync();
        using var s3Again = _server.CreateClient();

        // The SDK gets its 200 and headers, then a body that breaks off: never the whole object with a wrong byte.
        await Assert.ThrowsAnyAsync<Exception>(() => ReadAsync(s3Again, bucket, "sdk.bin"));

        // A plain HttpClient (a presigned URL): 200 with Content-Length, then the connection is cut short of it.
        await AssertCutShortAsync(s3Again, bucket, "raw.bin", BlobSize);

        // Recorded by those GETs: the next ones are refused before anything is sent, and the admin API lists them.
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(bucket, "sdk.bin"));
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(bucket, "raw.bin"));
        using var last = await AdminAsync(HttpMethod.Get);
        var keys = last.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("key").GetString()).Order().ToList();
        Assert.Equal(["raw.bin", "sdk.bin"], keys);
    }

    [Fact]
    public async Task A_missing_blob_file_and_a_rotten_part_of_a_multipart_object_are_reported()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        var gone = await PutAsync(s3, bucket, "gone.bin", Bytes(100_000, 12));
        var parts = await PutMultipartAsync(s3, bucket, "parts.bin", Bytes(5 * 1024 * 1024, 13), Bytes(300_000, 14));
        await _server.StopAsync();
        StoredBodies.DeleteBlob(_server.DataDirectory, gone);
        StoredBodies.FlipBlobByte(_server.DataDirectory, parts, offset: 1000, partNumber: 2);
        await _server.StartAsync();
        using var s3Again = _server.CreateClient();

        // Before any scrub, a GET finds the rotten part when it reaches that part's end, after part 1 went out whole.
        await AssertCutShortAsync(s3Again, bucket, "parts.bin", 5 * 1024 * 1024 + 300_000);

        using var scrub = await ScrubAsync(bucket);
        var findings = scrub.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("key").GetString() == "gone.bin" && f.GetProperty("versionId").GetString() == gone
            && f.GetProperty("problem").GetString() == "missing");
        Assert.Contains(findings, f => f.GetProperty("key").GetString() == "parts.bin" && f.GetProperty("versionId").GetString() == parts
            && f.GetProperty("part").GetInt32() == 2);
        await AssertInternalErrorAsync(() => s3Again.GetObjectAsync(bucket, "parts.bin"));
    }

    [Fact]
    public async Task Bodies_written_before_schema_14_get_their_checksum_on_the_first_scrub_and_a_rotten_one_is_caught_by_its_ETag()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        var sound = Bytes(BlobSize, 15);
        await PutAsync(s3, bucket, "sound.bin", sound);
        await PutAsync(s3, bucket, "sound.txt", Bytes(500, 16));
        var rotten = await PutAsync(s3, bucket, "rotten.bin", Bytes(BlobSize, 17));
        await _server.StopAsync();
        // Back to schema 13, as the previous release wrote it; the next start migrates it to 14 with no checksums.
        StoredBodies.Execute(_server.DataDirectory, SchemaDowngrades.To(13));
        StoredBodies.FlipBlobByte(_server.DataDirectory, rotten, offset: 77);
        await _server.StartAsync();

        using (var first = await ScrubAsync())
        {
            Assert.Equal(2, first.RootElement.GetProperty("checksumsAdded").GetInt64());
            var finding = Assert.Single(first.RootElement.GetProperty("findings").EnumerateArray());
            Assert.Equal(rotten, finding.GetProperty("versionId").GetString());
            Assert.Contains("ETag", finding.GetProperty("detail").GetString());
        }
        using (var second = await ScrubAsync())
        {
            Assert.Equal(0, second.RootElement.GetProperty("checksumsAdded").GetInt64());
            Assert.Single(second.RootElement.GetProperty("findings").EnumerateArray());
        }
        using var s3Again = _server.CreateClient();
        Assert.Equal(sound, await ReadAsync(s3Again, bucket, "sound.bin"));
    }

    [Fact]
    public async Task The_background_scrubber_finds_a_rotten_body_without_being_asked()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        var rotten = await PutAsync(s3, bucket, "rotten.bin", Bytes(100_000, 18));
        await _server.StopAsync();
        StoredBodies.FlipBlobByte(_server.DataDirectory, rotten, offset: 0);
        _server.ScrubInterval = TimeSpan.FromMilliseconds(200);
        await _server.StartAsync();

        JsonDocument? last = null;
        for (var attempt = 0; attempt < 150; attempt++)
        {
            last?.Dispose();
            last = await AdminAsync(HttpMethod.Get);
            if (last.RootElement.GetProperty("findings").GetArrayLength() > 0) break;
            await Task.Delay(100);
        }
        using (last)
        {
            var finding = Assert.Single(last!.RootElement.GetProperty("findings").EnumerateArray());
            Assert.Equal(rotten, finding.GetProperty("versionId").GetString());
        }
    }

    private static async Task AssertCutShortAsync(AmazonS3Client s3, string bucket, string key, long length)
    {
        var url = s3.GetPreSignedURL(new GetPreSignedUrlRequest { BucketName = bucket, Key = key, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        using var http = new HttpClient();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(length, response.Content.Headers.ContentLength);
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = 0L;
        var broken = await Record.ExceptionAsync(async () =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) received += read;
        });
        Assert.NotNull(broken);
        Assert.True(received < length, $"received {received} of {length} bytes");
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<string> PutAsync(AmazonS3Client s3, string bucket, string key, byte[] body) =>
        (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) })).VersionId;

    private static async Task<string> PutMultipartAsync(AmazonS3Client s3, string bucket, string key, params byte[][] parts)
    {
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]) });
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        return (await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = etags })).VersionId;
    }

    private static async Task<byte[]> ReadAsync(AmazonS3Client s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task AssertInternalErrorAsync(Func<Task> request)
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(request);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        // A HEAD has no body to carry the code.
        if (error.ErrorCode is { Length: > 0 } code && code != "InternalServerError") Assert.Equal("InternalError", code);
    }

    private Task<JsonDocument> ScrubAsync(string? bucket = null) => AdminAsync(HttpMethod.Post, bucket);

    private async Task<JsonDocument> AdminAsync(HttpMethod method, string? bucket = null)
    {
        using var admin = _server.CreateSigned();
        var response = await admin.SendAsync(method, "/_strata/admin/scrub", bucket is null ? "" : "bucket=" + bucket);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }
}
