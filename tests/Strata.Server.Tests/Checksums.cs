using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;

namespace Strata.Server.Tests;

/// <summary>
/// Checksums as S3 has them since 2025 ("Checking object integrity"): the SDK's default CRC32, CRC64NVME, wrong
/// values answered BadDigest, multipart COMPOSITE and FULL_OBJECT checksums and where S3 shows them.
/// </summary>
public sealed class Checksums(StrataServer server) : IClassFixture<StrataServer>
{
    private const int MiB = 1024 * 1024;

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    internal static string Crc(ChecksumAlgorithm algorithm, byte[] data)
    {
        if (algorithm == ChecksumAlgorithm.SHA256) return Convert.ToBase64String(SHA256.HashData(data));
        if (algorithm == ChecksumAlgorithm.SHA1) return Convert.ToBase64String(SHA1.HashData(data));
        if (algorithm == ChecksumAlgorithm.CRC64NVME)
        {
            var nvme = new Crc64(Crc64ParameterSet.Nvme);
            nvme.Append(data);
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, nvme.GetCurrentHashAsUInt64());
            return Convert.ToBase64String(bytes);
        }
        var crc = algorithm == ChecksumAlgorithm.CRC32C ? new Crc32(Crc32ParameterSet.Crc32C) : new Crc32();
        crc.Append(data);
        var digest = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(digest, crc.GetCurrentHashAsUInt32());
        return Convert.ToBase64String(digest);
    }

    private static string? ValueOf(ChecksumAlgorithm algorithm, string? crc32, string? crc32c, string? crc64, string? sha1, string? sha256) =>
        algorithm == ChecksumAlgorithm.CRC32 ? crc32
        : algorithm == ChecksumAlgorithm.CRC32C ? crc32c
        : algorithm == ChecksumAlgorithm.CRC64NVME ? crc64
        : algorithm == ChecksumAlgorithm.SHA1 ? sha1 : sha256;

    private static string? ValueOf(ChecksumAlgorithm algorithm, GetObjectMetadataResponse r) =>
        ValueOf(algorithm, r.ChecksumCRC32, r.ChecksumCRC32C, r.ChecksumCRC64NVME, r.ChecksumSHA1, r.ChecksumSHA256);

    private static void SetValue(PutObjectRequest request, ChecksumAlgorithm algorithm, string value)
    {
        if (algorithm == ChecksumAlgorithm.CRC32) request.ChecksumCRC32 = value;
        else if (algorithm == ChecksumAlgorithm.CRC32C) request.ChecksumCRC32C = value;
        else if (algorithm == ChecksumAlgorithm.CRC64NVME) request.ChecksumCRC64NVME = value;
        else if (algorithm == ChecksumAlgorithm.SHA1) request.ChecksumSHA1 = value;
        else request.ChecksumSHA256 = value;
    }

    private static void SetValue(PartETag part, ChecksumAlgorithm algorithm, UploadPartResponse r)
    {
        part.ChecksumCRC32 = r.ChecksumCRC32;
        part.ChecksumCRC32C = r.ChecksumCRC32C;
        part.ChecksumCRC64NVME = r.ChecksumCRC64NVME;
        part.ChecksumSHA1 = r.ChecksumSHA1;
        part.ChecksumSHA256 = r.ChecksumSHA256;
        Assert.NotNull(ValueOf(algorithm, r.ChecksumCRC32, r.ChecksumCRC32C, r.ChecksumCRC64NVME, r.ChecksumSHA1, r.ChecksumSHA256));
    }

    public static TheoryData<string> Algorithms => new() { "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" };

    public static TheoryData<string> Crcs => new() { "CRC32", "CRC32C", "CRC64NVME" };

    [Fact]
    public async Task The_sdks_default_put_keeps_a_full_object_crc32_shown_when_asked_for()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var body = RandomBytes(10_000);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "default", InputStream = new MemoryStream(body) });

        Assert.Equal(Crc(ChecksumAlgorithm.CRC32, body), put.ChecksumCRC32);
        var plain = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "default" });
        Assert.Null(plain.ChecksumCRC32);
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "default", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(Crc(ChecksumAlgorithm.CRC32, body), head.ChecksumCRC32);
        Assert.Equal(ChecksumType.FULL_OBJECT, head.ChecksumType);
    }

    [Fact]
    public async Task A_crc64nvme_put_is_verified_kept_and_returned_on_get()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var body = RandomBytes(70_000);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "nvme", InputStream = new MemoryStream(body), ChecksumAlgorithm = ChecksumAlgorithm.CRC64NVME });

        // The SDK validates the body it reads against the checksum it is sent.
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "nvme", ChecksumMode = ChecksumMode.ENABLED });
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        Assert.Equal(body, copy.ToArray());
        Assert.Equal(Crc(ChecksumAlgorithm.CRC64NVME, body), get.ChecksumCRC64NVME);
        Assert.Equal(ChecksumType.FULL_OBJECT, get.ChecksumType);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task A_wrong_checksum_value_is_BadDigest_and_stores_nothing(string name)
    {
        var algorithm = ChecksumAlgorithm.FindValue(name);
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        foreach (var claimed in new[] { Crc(algorithm, "another body"u8.ToArray()), "bad" })
        {
            var put = new PutObjectRequest { BucketName = bucket, Key = "wrong", ContentBody = "the real body" };
            SetValue(put, algorithm, claimed);
            var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(put));
            Assert.Equal("BadDigest", error.ErrorCode);
            Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "wrong"))).StatusCode);
    }

    [Fact]
    public async Task A_part_with_a_wrong_checksum_is_BadDigest()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "p", ChecksumAlgorithm = ChecksumAlgorithm.CRC32C });
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "p", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("part"u8.ToArray()),
            ChecksumCRC32C = Crc(ChecksumAlgorithm.CRC32C, "other"u8.ToArray()),
        }));
        Assert.Equal("BadDigest", error.ErrorCode);
    }

    private async Task<(string UploadId, List<PartETag> Parts, byte[] Whole)> UploadPartsAsync(IAmazonS3 s3, string bucket, string key,
        ChecksumAlgorithm algorithm, ChecksumType? type, params int[] sizes)
    {
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ChecksumAlgorithm = algorithm, ChecksumType = type });
        Assert.Equal(algorithm, upload.ChecksumAlgorithm);
        var parts = new List<PartETag>();
        var whole = new List<byte>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var body = RandomBytes(sizes[i]);
            whole.AddRange(body);
            var response = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(body), ChecksumAlgorithm = algorithm,
            });
            var part = new PartETag(i + 1, response.ETag);
            SetValue(part, algorithm, response);
            parts.Add(part);
        }
        return (upload.UploadId, parts, whole.ToArray());
    }

    [Theory]
    [MemberData(nameof(Crcs))]
    public async Task A_full_object_multipart_checksum_is_the_crc_of_the_whole_object(string name)
    {
        var algorithm = ChecksumAlgorithm.FindValue(name);
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var (uploadId, parts, whole) = await UploadPartsAsync(s3, bucket, "full", algorithm, ChecksumType.FULL_OBJECT, 5 * MiB, 5 * MiB + 7, 333);
        var expected = Crc(algorithm, whole);

        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "full", UploadId = uploadId, PartETags = parts };
        if (algorithm == ChecksumAlgorithm.CRC32) complete.ChecksumCRC32 = expected;
        else if (algorithm == ChecksumAlgorithm.CRC32C) complete.ChecksumCRC32C = expected;
        else complete.ChecksumCRC64NVME = expected;
        var done = await s3.CompleteMultipartUploadAsync(complete);

        Assert.Equal(ChecksumType.FULL_OBJECT, done.ChecksumType);
        Assert.Equal(expected, ValueOf(algorithm, done.ChecksumCRC32, done.ChecksumCRC32C, done.ChecksumCRC64NVME, null, null));
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "full", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(expected, ValueOf(algorithm, head));
        Assert.Equal(ChecksumType.FULL_OBJECT, head.ChecksumType);
    }

    [Fact]
    public async Task A_multipart_upload_without_a_type_is_composite_except_for_crc64nvme()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var sha = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "s", ChecksumAlgorithm = ChecksumAlgorithm.SHA1 });
        var nvme = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "n", ChecksumAlgorithm = ChecksumAlgorithm.CRC64NVME });

        Assert.Equal(ChecksumType.COMPOSITE, sha.ChecksumType);
        Assert.Equal(ChecksumType.FULL_OBJECT, nvme.ChecksumType);
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "n", UploadId = nvme.UploadId });
        Assert.Equal(ChecksumAlgorithm.CRC64NVME, parts.ChecksumAlgorithm);
        Assert.Equal(ChecksumType.FULL_OBJECT, parts.ChecksumType);
    }

    [Theory]
    [InlineData("SHA256", "FULL_OBJECT")]
    [InlineData("SHA1", "FULL_OBJECT")]
    [InlineData("CRC64NVME", "COMPOSITE")]
    public async Task A_checksum_type_the_algorithm_does_not_have_is_InvalidRequest(string algorithm, string type)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", ChecksumAlgorithm = ChecksumAlgorithm.FindValue(algorithm), ChecksumType = ChecksumType.FindValue(type),
        }));
        Assert.Equal("InvalidRequest", error.ErrorCode);
    }

    [Fact]
    public async Task A_composite_checksum_is_listed_with_its_parts_and_a_wrong_one_at_completion_is_BadDigest()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var (uploadId, parts, _) = await UploadPartsAsync(s3, bucket, "comp", ChecksumAlgorithm.SHA256, null, 5 * MiB, 100);
        var listed = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "comp", UploadId = uploadId });
        Assert.Equal(ChecksumType.COMPOSITE, listed.ChecksumType);
        Assert.Equal(parts.Select(p => p.ChecksumSHA256), listed.Parts.Select(p => p.ChecksumSHA256));
        var expected = Convert.ToBase64String(SHA256.HashData(parts.SelectMany(p => Convert.FromBase64String(p.ChecksumSHA256)).ToArray())) + "-2";

        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "comp", UploadId = uploadId, PartETags = parts, ChecksumSHA256 = Crc(ChecksumAlgorithm.SHA256, [1]) + "-2",
        }));
        Assert.Equal("BadDigest", wrong.ErrorCode);

        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "comp", UploadId = uploadId, PartETags = parts, ChecksumSHA256 = expected,
        });
        Assert.Equal(expected, done.ChecksumSHA256);
        Assert.Equal(ChecksumType.COMPOSITE, done.ChecksumType);
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "comp", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(expected, head.ChecksumSHA256);
        Assert.Equal(ChecksumType.COMPOSITE, head.ChecksumType);
    }

    [Fact]
    public async Task A_completion_that_asks_for_another_checksum_type_than_the_uploads_is_refused()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var (uploadId, parts, _) = await UploadPartsAsync(s3, bucket, "t", ChecksumAlgorithm.CRC32, ChecksumType.COMPOSITE, 100);
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "t", UploadId = uploadId, PartETags = parts, ChecksumType = ChecksumType.FULL_OBJECT,
        }));
        Assert.Equal("InvalidRequest", error.ErrorCode);
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "t", UploadId = uploadId, PartETags = parts, ChecksumType = ChecksumType.COMPOSITE,
        });
        Assert.Equal(ChecksumType.COMPOSITE, done.ChecksumType);
    }

    [Fact]
    public async Task A_part_checksummed_with_another_algorithm_than_the_uploads_is_refused()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "m", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "m", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("x"u8.ToArray()), ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        }));
        Assert.Equal("InvalidRequest", error.ErrorCode);
    }

    [Fact]
    public async Task A_get_of_one_part_carries_that_parts_checksum()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var (uploadId, parts, whole) = await UploadPartsAsync(s3, bucket, "parts", ChecksumAlgorithm.CRC32C, ChecksumType.FULL_OBJECT, 5 * MiB, 1000);
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "parts", UploadId = uploadId, PartETags = parts });

        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "parts", PartNumber = 2, ChecksumMode = ChecksumMode.ENABLED });
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        Assert.Equal(whole[(5 * MiB)..], copy.ToArray());
        Assert.Equal(parts[1].ChecksumCRC32C, get.ChecksumCRC32C);
        Assert.Equal(ChecksumType.FULL_OBJECT, get.ChecksumType);
    }

    [Fact]
    public async Task A_copy_asked_for_another_algorithm_gets_that_checksum()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var body = RandomBytes(4096);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(body) });

        var copied = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });
        Assert.Equal(Crc(ChecksumAlgorithm.SHA256, body), copied.ChecksumSHA256);
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "dst", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(Crc(ChecksumAlgorithm.SHA256, body), head.ChecksumSHA256);
        Assert.Null(head.ChecksumCRC32);
    }

    [Fact]
    public async Task A_copy_of_a_composite_object_gets_the_full_checksum_of_its_bytes()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var (uploadId, parts, whole) = await UploadPartsAsync(s3, bucket, "mp", ChecksumAlgorithm.SHA1, ChecksumType.COMPOSITE, 5 * MiB, 10);
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = uploadId, PartETags = parts });

        var copied = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "mp", DestinationBucket = bucket, DestinationKey = "one" });
        Assert.Equal(Crc(ChecksumAlgorithm.SHA1, whole), copied.ChecksumSHA1);
        Assert.Equal(ChecksumType.FULL_OBJECT, copied.ChecksumType);
    }
}
