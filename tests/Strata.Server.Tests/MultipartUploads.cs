using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Transfer;

namespace Strata.Server.Tests;

public sealed class MultipartUploads(StrataServer server) : IClassFixture<StrataServer>
{
    private const int MiB = 1024 * 1024;

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static async Task<string> UploadPartAsync(IAmazonS3 s3, string bucket, string key, string uploadId, int number, byte[] body, ChecksumAlgorithm? checksum = null)
    {
        var request = new UploadPartRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = new MemoryStream(body) };
        if (checksum is not null) request.ChecksumAlgorithm = checksum;
        return (await s3.UploadPartAsync(request)).ETag;
    }

    private static async Task<byte[]> ReadAllAsync(IAmazonS3 s3, GetObjectRequest request)
    {
        using var response = await s3.GetObjectAsync(request);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task TransferUtility_moves_a_200_MiB_file_up_and_back_with_default_settings()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var folder = Directory.CreateTempSubdirectory("strata-transfer-");
        try
        {
            var source = Path.Combine(folder.FullName, "video.bin");
            await using (var file = File.Create(source))
            {
                var chunk = new byte[MiB];
                for (var i = 0; i < 200; i++)
                {
                    Random.Shared.NextBytes(chunk);
                    await file.WriteAsync(chunk);
                }
            }
            using var transfer = new TransferUtility(s3);
            await transfer.UploadAsync(source, bucket, "videos/video.bin");
            var head = await s3.GetObjectMetadataAsync(bucket, "videos/video.bin");
            Assert.Equal(200L * MiB, head.ContentLength);
            Assert.Matches("^\"[0-9a-f]{32}-[0-9]+\"$", head.ETag); // uploaded in parts

            var target = Path.Combine(folder.FullName, "back.bin");
            await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = bucket, Key = "videos/video.bin", FilePath = target });
            Assert.Equal(await HashAsync(source), await HashAsync(target));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<byte[]> HashAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file);
    }

    [Fact]
    public async Task Completed_upload_has_S3s_multipart_ETag_and_serves_whole_and_by_part()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var parts = new[] { RandomBytes(5 * MiB), RandomBytes(5 * MiB), RandomBytes(1234) };
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp.bin", ContentType = "video/mp4" });
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++) etags.Add(new PartETag(i + 1, await UploadPartAsync(s3, bucket, "mp.bin", upload.UploadId, i + 1, parts[i])));

        var listed = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "mp.bin", UploadId = upload.UploadId });
        Assert.Equal([1, 2, 3], listed.Parts!.Select(p => p.PartNumber ?? 0));
        Assert.Equal([5L * MiB, 5L * MiB, 1234L], listed.Parts!.Select(p => p.Size ?? 0));

        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp.bin", UploadId = upload.UploadId, PartETags = etags });
        var md5s = parts.SelectMany(p => MD5.HashData(p)).ToArray();
        var expectedETag = "\"" + Convert.ToHexStringLower(MD5.HashData(md5s)) + "-3\"";
        Assert.Equal(expectedETag, complete.ETag);

        var whole = parts.SelectMany(p => p).ToArray();
        Assert.Equal(SHA256.HashData(whole), SHA256.HashData(await ReadAllAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "mp.bin" })));
        using (var second = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp.bin", PartNumber = 2 }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, second.HttpStatusCode);
            Assert.Equal(3, second.PartsCount);
            using var copy = new MemoryStream();
            await second.ResponseStream.CopyToAsync(copy);
            Assert.Equal(parts[1], copy.ToArray());
        }
        var ranged = await ReadAllAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "mp.bin", ByteRange = new ByteRange(5 * MiB - 10, 5 * MiB + 9) });
        Assert.Equal(whole[(5 * MiB - 10)..(5 * MiB + 10)], ranged);
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "mp.bin", PartNumber = 3 });
        Assert.Equal(1234, head.ContentLength);
        Assert.Equal("video/mp4", (await s3.GetObjectMetadataAsync(bucket, "mp.bin")).Headers.ContentType);
        var beyond = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp.bin", PartNumber = 4 }));
        Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
        Assert.Equal("InvalidPart", beyond.ErrorCode);
    }

    [Fact]
    public async Task Completion_errors_are_S3s_and_leave_the_upload_completable()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "e.bin");
        var small = await UploadPartAsync(s3, bucket, "e.bin", upload.UploadId, 1, RandomBytes(1000));
        var big = await UploadPartAsync(s3, bucket, "e.bin", upload.UploadId, 2, RandomBytes(5 * MiB));
        var last = await UploadPartAsync(s3, bucket, "e.bin", upload.UploadId, 3, RandomBytes(10));

        async Task<string> CompleteWith(params PartETag[] parts) =>
            (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = "e.bin", UploadId = upload.UploadId, PartETags = [.. parts],
            }))).ErrorCode;

        Assert.Equal("EntityTooSmall", await CompleteWith(new PartETag(1, small), new PartETag(3, last)));
        Assert.Equal("InvalidPart", await CompleteWith(new PartETag(2, "\"00000000000000000000000000000000\"")));
        Assert.Equal("InvalidPart", await CompleteWith(new PartETag(7, big)));
        Assert.Equal("InvalidPartOrder", await SendCompleteXml(bucket, "e.bin", upload.UploadId, (3, last), (2, big)));
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "e.bin"));

        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "e.bin", UploadId = upload.UploadId, PartETags = [new PartETag(2, big), new PartETag(3, last)],
        });
        Assert.EndsWith("-2\"", done.ETag);
        Assert.Equal(5 * MiB + 10, (await s3.GetObjectMetadataAsync(bucket, "e.bin")).ContentLength);
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "e.bin", UploadId = upload.UploadId, PartETags = [new PartETag(2, big)],
        }));
        Assert.Equal("NoSuchUpload", again.ErrorCode);
    }

    private async Task<string> SendCompleteXml(string bucket, string key, string uploadId, params (int Number, string ETag)[] parts)
    {
        using var signed = server.CreateSigned();
        var body = "<CompleteMultipartUpload>" + string.Concat(parts.Select(p => $"<Part><PartNumber>{p.Number}</PartNumber><ETag>{p.ETag}</ETag></Part>")) + "</CompleteMultipartUpload>";
        var response = await signed.SendAsync(HttpMethod.Post, $"/{bucket}/{key}", $"uploadId={uploadId}", body);
        var text = await response.Content.ReadAsStringAsync();
        var start = text.IndexOf("<Code>", StringComparison.Ordinal) + 6;
        return start < 6 ? "" : text[start..text.IndexOf("</Code>", StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10001)]
    public async Task Part_numbers_outside_1_to_10000_are_InvalidArgument(int number)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "n.bin");
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => UploadPartAsync(s3, bucket, "n.bin", upload.UploadId, number, [1, 2, 3]));
        Assert.Equal("InvalidArgument", error.ErrorCode);
    }

    [Fact]
    public async Task Unknown_uploads_are_NoSuchUpload_for_parts_completion_abort_and_listing()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        const string unknown = "no-such-upload-id-000000000000000";
        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => UploadPartAsync(s3, bucket, "k", unknown, 1, [1]))).ErrorCode);
        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = unknown }))).ErrorCode);
        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = unknown }))).ErrorCode);
        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = unknown, PartETags = [new PartETag(1, "\"abc\"")],
        }))).ErrorCode);
    }

    [Fact]
    public async Task A_part_whose_body_does_not_match_its_Content_MD5_is_BadDigest_and_not_kept()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "md5.bin");
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "md5.bin", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(RandomBytes(1000)),
            MD5Digest = Convert.ToBase64String(MD5.HashData("something else"u8)),
        }));
        Assert.Equal("BadDigest", error.ErrorCode);
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "md5.bin", UploadId = upload.UploadId });
        Assert.True(parts.Parts is null || parts.Parts.Count == 0);
    }

    [Fact]
    public async Task ListParts_pages_with_part_number_markers()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "p.bin");
        foreach (var n in new[] { 1, 2, 3, 5, 8 }) await UploadPartAsync(s3, bucket, "p.bin", upload.UploadId, n, [(byte)n]);
        var seen = new List<int>();
        int? marker = null;
        while (true)
        {
            var page = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "p.bin", UploadId = upload.UploadId, MaxParts = 2, PartNumberMarker = marker?.ToString() });
            seen.AddRange(page.Parts!.Select(p => p.PartNumber ?? 0));
            if (page.IsTruncated != true) break;
            marker = page.NextPartNumberMarker;
        }
        Assert.Equal([1, 2, 3, 5, 8], seen);
    }

    [Fact]
    public async Task Uploading_a_part_number_again_replaces_it()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "r.bin");
        await UploadPartAsync(s3, bucket, "r.bin", upload.UploadId, 1, RandomBytes(100));
        var replacement = RandomBytes(200);
        var etag = await UploadPartAsync(s3, bucket, "r.bin", upload.UploadId, 1, replacement);
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "r.bin", UploadId = upload.UploadId });
        Assert.Equal(200, Assert.Single(parts.Parts!).Size);
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "r.bin", UploadId = upload.UploadId, PartETags = [new PartETag(1, etag)] });
        Assert.Equal(replacement, await ReadAllAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "r.bin" }));
    }

    [Fact]
    public async Task An_upload_in_progress_is_invisible_and_abort_removes_it()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "pending.bin");
        await UploadPartAsync(s3, bucket, "pending.bin", upload.UploadId, 1, RandomBytes(20_000));
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "pending.bin"));
        Assert.True((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).KeyCount is null or 0);

        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Equal(upload.UploadId, Assert.Single(uploads.MultipartUploads!).UploadId);
        await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = "pending.bin", UploadId = upload.UploadId });
        var after = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.True(after.MultipartUploads is null || after.MultipartUploads.Count == 0);
        await s3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task Deleting_a_bucket_with_only_uploads_in_progress_aborts_them_with_it()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "pending.bin");
        await UploadPartAsync(s3, bucket, "pending.bin", upload.UploadId, 1, RandomBytes(200_000));
        var blobsBefore = BlobFiles();

        await s3.DeleteBucketAsync(bucket);

        Assert.Equal("NoSuchBucket", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListMultipartUploadsAsync(bucket))).ErrorCode);
        Assert.True(BlobFiles() < blobsBefore, "The aborted upload's part file is still on disk.");
        await s3.PutBucketAsync(bucket);
        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.True(uploads.MultipartUploads is null || uploads.MultipartUploads.Count == 0);
    }

    private int BlobFiles() => Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Count();

    [Fact]
    public async Task ListMultipartUploads_pages_by_key_and_upload_id_and_groups_by_delimiter()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var ids = new List<(string Key, string Id)>();
        foreach (var key in new[] { "a", "a", "b/1", "b/2", "c" }) ids.Add((key, (await s3.InitiateMultipartUploadAsync(bucket, key)).UploadId));
        var seen = new List<(string, string)>();
        string? keyMarker = null, idMarker = null;
        while (true)
        {
            var page = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, MaxUploads = 2, KeyMarker = keyMarker, UploadIdMarker = idMarker });
            seen.AddRange((page.MultipartUploads ?? []).Select(u => (u.Key, u.UploadId)));
            if (page.IsTruncated != true) break;
            keyMarker = page.NextKeyMarker;
            idMarker = page.NextUploadIdMarker;
        }
        Assert.Equal(ids, seen);
        var grouped = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["b/"], grouped.CommonPrefixes!);
        Assert.Equal(["a", "a", "c"], grouped.MultipartUploads!.Select(u => u.Key));
    }

    [Fact]
    public async Task UploadPartCopy_takes_ranges_of_an_older_version()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var original = RandomBytes(6 * MiB);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src.bin", InputStream = new MemoryStream(original) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src.bin", ContentBody = "newer" });

        var upload = await s3.InitiateMultipartUploadAsync(bucket, "assembled.bin");
        var first = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src.bin", SourceVersionId = v1.VersionId, DestinationBucket = bucket, DestinationKey = "assembled.bin",
            UploadId = upload.UploadId, PartNumber = 1, FirstByte = 0, LastByte = 5 * MiB - 1,
        });
        var second = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src.bin", SourceVersionId = v1.VersionId, DestinationBucket = bucket, DestinationKey = "assembled.bin",
            UploadId = upload.UploadId, PartNumber = 2, FirstByte = 5 * MiB, LastByte = 6 * MiB - 1,
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "assembled.bin", UploadId = upload.UploadId, PartETags = [new PartETag(1, first.ETag), new PartETag(2, second.ETag)],
        });
        Assert.Equal(SHA256.HashData(original), SHA256.HashData(await ReadAllAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "assembled.bin" })));

        var other = await s3.InitiateMultipartUploadAsync(bucket, "x");
        var outOfRange = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src.bin", DestinationBucket = bucket, DestinationKey = "x",
            UploadId = other.UploadId, PartNumber = 1, FirstByte = 0, LastByte = 100,
        }));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, outOfRange.StatusCode);
    }

    [Fact]
    public async Task Completion_pushes_a_version_like_a_put_and_a_null_version_when_suspended()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "single" });
        var done = await CompleteSingleAsync(s3, bucket, "k", RandomBytes(100));
        Assert.NotEqual(v1.VersionId, done.VersionId);
        Assert.Equal("single", await Buckets.ReadAsync(s3, bucket, "k", v1.VersionId));

        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } });
        var suspended = await CompleteSingleAsync(s3, bucket, "k", RandomBytes(100));
        Assert.Null(suspended.VersionId); // S3 sends no x-amz-version-id for a null version
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(["null", done.VersionId, v1.VersionId], versions.Versions!.Select(v => v.VersionId));

        // Removing a multipart version for good removes its parts too; the older versions stay.
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = done.VersionId });
        Assert.Equal("single", await Buckets.ReadAsync(s3, bucket, "k", v1.VersionId));
    }

    [Fact]
    public async Task Completing_again_with_the_same_parts_answers_as_the_first_completion()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "k");
        var etag = await UploadPartAsync(s3, bucket, "k", upload.UploadId, 1, RandomBytes(100));
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = upload.UploadId, PartETags = [new PartETag(1, etag)] };
        var first = await s3.CompleteMultipartUploadAsync(complete);

        var again = await s3.CompleteMultipartUploadAsync(complete);

        Assert.Equal(first.VersionId, again.VersionId);
        Assert.Equal(first.ETag, again.ETag);
        Assert.Single((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!);
        var otherParts = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = upload.UploadId, PartETags = [new PartETag(1, "\"0123456789abcdef0123456789abcdef\"")],
        }));
        Assert.Equal("NoSuchUpload", otherParts.ErrorCode);
    }

    [Fact]
    public async Task A_part_number_listed_twice_is_named_by_its_later_entry()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "k");
        var replaced = await UploadPartAsync(s3, bucket, "k", upload.UploadId, 1, RandomBytes(100));
        var body = RandomBytes(120);
        var kept = await UploadPartAsync(s3, bucket, "k", upload.UploadId, 1, body);

        // Sent by hand: the SDK sorts the list, which may swap two entries of one part number.
        using var signed = server.CreateSigned();
        using var response = await signed.SendAsync(HttpMethod.Post, $"/{bucket}/k", "uploadId=" + Uri.EscapeDataString(upload.UploadId),
            $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{replaced}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>{kept}</ETag></Part></CompleteMultipartUpload>");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await ReadAllAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "k" }));
    }

    private static async Task<CompleteMultipartUploadResponse> CompleteSingleAsync(IAmazonS3 s3, string bucket, string key, byte[] body)
    {
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var etag = await UploadPartAsync(s3, bucket, key, upload.UploadId, 1, body);
        return await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = [new PartETag(1, etag)] });
    }

    [Fact]
    public async Task Parts_uploaded_with_checksums_give_the_object_a_composite_checksum()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "c.bin", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var parts = new[] { RandomBytes(5 * MiB), RandomBytes(300) };
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var response = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "c.bin", UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]), ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            });
            etags.Add(new PartETag(i + 1, response.ETag) { ChecksumSHA256 = response.ChecksumSHA256 });
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "c.bin", UploadId = upload.UploadId, PartETags = etags });
        var expected = Convert.ToBase64String(SHA256.HashData(parts.SelectMany(p => SHA256.HashData(p)).ToArray())) + "-2";
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "c.bin", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(expected, head.ChecksumSHA256);
    }
}
