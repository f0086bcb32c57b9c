using System.Net;
using System.Security.Cryptography;

namespace Strata.Server.Tests;

/// <summary>GetObjectAttributes: ETag, Checksum, ObjectParts (paged), StorageClass and ObjectSize, per version.</summary>
public sealed class ObjectAttributes(StrataServer server) : IClassFixture<StrataServer>
{
    private const int MiB = 1024 * 1024;

    private static readonly List<Amazon.S3.ObjectAttributes> All =
    [
        Amazon.S3.ObjectAttributes.ETag, Amazon.S3.ObjectAttributes.Checksum, Amazon.S3.ObjectAttributes.ObjectParts,
        Amazon.S3.ObjectAttributes.StorageClass, Amazon.S3.ObjectAttributes.ObjectSize,
    ];

    [Fact]
    public async Task A_single_object_shows_its_etag_checksum_size_and_storage_class()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "hello", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });

        var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "a.txt", ObjectAttributes = All });

        Assert.Equal(put.ETag.Trim('"'), attributes.ETag);
        Assert.Equal(5, attributes.ObjectSize);
        Assert.Equal(S3StorageClass.Standard, attributes.StorageClass);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData("hello"u8)), attributes.Checksum.ChecksumSHA256);
        Assert.Equal(ChecksumType.FULL_OBJECT, attributes.Checksum.ChecksumType);
        Assert.Null(attributes.ObjectParts);
        Assert.Null(attributes.VersionId);
    }

    [Fact]
    public async Task Only_the_attributes_asked_for_are_returned()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "body" });

        var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "b", ObjectAttributes = [Amazon.S3.ObjectAttributes.ObjectSize] });

        Assert.Equal(4, attributes.ObjectSize);
        Assert.Null(attributes.ETag);
        Assert.Null(attributes.Checksum);
    }

    [Fact]
    public async Task The_parts_of_a_checksummed_multipart_object_are_paged_with_their_checksums()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var sizes = new[] { 5 * MiB, 5 * MiB, 5 * MiB, 1234 };
        var parts = new List<PartETag>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var response = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(new byte[sizes[i]]), ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            });
            parts.Add(new PartETag(i + 1, response.ETag) { ChecksumSHA256 = response.ChecksumSHA256 });
        }
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartETags = parts });

        var page = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "mp", ObjectAttributes = All, MaxParts = 2, PartNumberMarker = 1,
        });

        Assert.Equal(done.ETag.Trim('"'), page.ETag);
        Assert.Equal(done.ChecksumSHA256, page.Checksum.ChecksumSHA256);
        Assert.Equal(ChecksumType.COMPOSITE, page.Checksum.ChecksumType);
        Assert.Equal(sizes.Sum(s => (long)s), page.ObjectSize);
        Assert.Equal(4, page.ObjectParts.TotalPartsCount);
        Assert.Equal(2, page.ObjectParts.MaxParts);
        Assert.True(page.ObjectParts.IsTruncated);
        Assert.Equal(3, page.ObjectParts.NextPartNumberMarker);
        Assert.Equal([2, 3], page.ObjectParts.Parts.Select(p => p.PartNumber ?? 0));
        Assert.Equal([parts[1].ChecksumSHA256, parts[2].ChecksumSHA256], page.ObjectParts.Parts.Select(p => p.ChecksumSHA256));

        var last = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "mp", ObjectAttributes = [Amazon.S3.ObjectAttributes.ObjectParts], MaxParts = 2, PartNumberMarker = 3,
        });
        Assert.False(last.ObjectParts.IsTruncated);
        var only = Assert.Single(last.ObjectParts.Parts);
        Assert.Equal(4, only.PartNumber);
        Assert.Equal(1234, only.Size);
    }

    [Fact]
    public async Task A_multipart_object_without_a_checksum_shows_its_part_count_only()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "plain");
        var first = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "plain", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[5 * MiB]) });
        var second = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "plain", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[10]) });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "plain", UploadId = upload.UploadId, PartETags = [new PartETag(1, first.ETag), new PartETag(2, second.ETag)],
        });

        var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "plain", ObjectAttributes = All });

        Assert.Equal(2, attributes.ObjectParts.TotalPartsCount);
        Assert.True(attributes.ObjectParts.Parts is null or { Count: 0 });
        Assert.Null(attributes.Checksum);
    }

    [Fact]
    public async Task An_older_version_is_described_by_its_version_id_and_a_delete_marker_is_404()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "v", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "v", ContentBody = "second" });

        var old = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "v", VersionId = v1.VersionId, ObjectAttributes = All });
        Assert.Equal(v1.VersionId, old.VersionId);
        Assert.Equal(3, old.ObjectSize);
        Assert.Equal(v1.ETag.Trim('"'), old.ETag);

        var marker = await s3.DeleteObjectAsync(bucket, "v");
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "v", ObjectAttributes = All }));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        using var signed = server.CreateSigned();
        using var raw = await signed.SendAsync(HttpMethod.Get, $"/{bucket}/v", "attributes", headers: new Dictionary<string, string> { ["x-amz-object-attributes"] = "ETag" });
        Assert.Equal(HttpStatusCode.NotFound, raw.StatusCode);
        Assert.Equal("true", raw.Headers.GetValues("x-amz-delete-marker").Single());
        Assert.Equal(marker.VersionId, raw.Headers.GetValues("x-amz-version-id").Single());
    }

    [Fact]
    public async Task An_unknown_attribute_name_is_InvalidArgument()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", ContentBody = "x" });

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "x", ObjectAttributes = [new Amazon.S3.ObjectAttributes("Colour")],
        }));
        Assert.Equal("InvalidArgument", error.ErrorCode);
    }

    [Fact]
    public async Task It_needs_s3_GetObjectAttributes_and_for_a_version_s3_GetObjectVersionAttributes()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var root = server.CreateClient();
        var put = await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "abc" });
        var (id, secret) = await server.CreateUserAsync("attributes-" + Guid.NewGuid().ToString("N")[..8], $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectAttributes","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var user = server.CreateClient(id, secret);

        var latest = await user.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "k", ObjectAttributes = All });
        Assert.Equal(3, latest.ObjectSize);
        var byVersion = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "k", VersionId = put.VersionId, ObjectAttributes = All,
        }));
        Assert.Equal("AccessDenied", byVersion.ErrorCode);
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.GetObjectAsync(bucket, "k"))).ErrorCode);
    }
}
