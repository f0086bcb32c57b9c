using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Core;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// Requests signed by AWSSDK.S3 4.1 at its default settings and variations: every payload mode it sends,
/// every checksum, keys that stress the canonical URI, queries that stress the canonical query.
/// </summary>
public sealed class SdkSignedRequests
{
    private static byte[] Content(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    public static TheoryData<bool, int, string> Uploads()
    {
        var data = new TheoryData<bool, int, string>();
        foreach (var unsignedPayload in new[] { false, true })
        {
            foreach (var length in new[] { 0, 1, 81920, 200_000 })
            {
                foreach (var algorithm in new[] { "CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME" }) data.Add(unsignedPayload, length, algorithm);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task A_put_with_a_trailing_checksum_is_verified(bool unsignedPayload, int length, string algorithm)
    {
        var handler = new CapturingHandler();
        // The SDK signs chunks even over TLS; DisablePayloadSigning (TLS only) gives the unsigned trailer mode.
        using var s3 = Sdk.Client(handler, https: unsignedPayload);
        var content = Content(length);
        var sent = await Sdk.CaptureAsync(handler, () => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "bucket",
            Key = "dir/object.bin",
            InputStream = new MemoryStream(content),
            ChecksumAlgorithm = new ChecksumAlgorithm(algorithm),
            DisablePayloadSigning = unsignedPayload,
        }));

        var result = Sdk.Authenticator().Authenticate(sent.Replay());

        if (length > 0)
        {
            Assert.Equal(unsignedPayload ? "STREAMING-UNSIGNED-PAYLOAD-TRAILER" : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", sent.Header("x-amz-content-sha256"));
        }
        Assert.Equal(length, result.PayloadLength);
        Assert.Equal(content, await Http.ReadAllAsync(result.Payload, 8192));
        Assert.Equal(algorithm, result.Checksum()?.Algorithm);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_put_whose_trailing_checksum_was_altered_is_refused(bool unsignedPayload)
    {
        var handler = new CapturingHandler();
        using var s3 = Sdk.Client(handler, https: unsignedPayload);
        var sent = await Sdk.CaptureAsync(handler, () => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "bucket",
            Key = "k",
            InputStream = new MemoryStream(Content(1000)),
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
            DisablePayloadSigning = unsignedPayload,
        }));
        var body = Encoding.ASCII.GetString(sent.Body);
        var at = body.IndexOf("x-amz-checksum-crc32:", StringComparison.Ordinal) + "x-amz-checksum-crc32:".Length;
        var tampered = body[..at] + (body[at] == 'A' ? 'B' : 'A') + body[(at + 1)..];

        var result = Sdk.Authenticator().Authenticate((sent with { Body = Encoding.ASCII.GetBytes(tampered) }).Replay());

        // Signed: the trailer signature no longer matches. Unsigned: the checksum itself is caught.
        await S3Assert.FailsAsync(unsignedPayload ? StrataError.BadDigest : StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task A_put_without_checksums_over_http_is_signed_chunk_by_chunk()
    {
        var handler = new CapturingHandler();
        using var s3 = Sdk.Client(handler, https: false, config => config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED);
        var content = Content(200_000);
        var sent = await Sdk.CaptureAsync(handler, () => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "bucket",
            Key = "k",
            InputStream = new MemoryStream(content),
        }));

        var result = Sdk.Authenticator().Authenticate(sent.Replay());

        Assert.Equal("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", sent.Header("x-amz-content-sha256"));
        Assert.Equal(content, await Http.ReadAllAsync(result.Payload));
        Assert.Null(result.Checksum());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_put_without_chunk_encoding_carries_its_hash_or_none(bool https, bool disablePayloadSigning)
    {
        var handler = new CapturingHandler();
        using var s3 = Sdk.Client(handler, https);
        var content = Content(5000);
        var sent = await Sdk.CaptureAsync(handler, () => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "bucket",
            Key = "k",
            InputStream = new MemoryStream(content),
            UseChunkEncoding = false,
            DisablePayloadSigning = disablePayloadSigning,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        }));

        var result = Sdk.Authenticator().Authenticate(sent.Replay());

        Assert.Equal(content, await Http.ReadAllAsync(result.Payload));
        Assert.Equal("SHA256", result.Checksum()?.Algorithm);
    }

    public static TheoryData<string> Keys() =>
    [
        "plain.txt", "a//b", "../x", "x/./y/../z", "with space", "plus+sign", "percent%25and%", "ünïcödé/文字.txt",
        "tilde~star*paren()", "emoji😀", "semi;colon=eq&amp", "q?mark#hash", "trailing/", "dots...", "back\\slash", "!$'@:,",
    ];

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_head_for_any_key_is_accepted(string key)
    {
        var handler = new CapturingHandler();
        using var s3 = Sdk.Client(handler, https: false);
        var sent = await Sdk.CaptureAsync(handler, () => s3.GetObjectMetadataAsync("bucket", key));

        Assert.Equal(AwsExample.AccessKeyId, Sdk.Authenticator().Authenticate(sent.Replay()).AccessKeyId);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_presigned_get_for_any_key_is_accepted(string key)
    {
        using var s3 = Sdk.Client(new CapturingHandler(), https: false);
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "bucket",
            Key = key,
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddHours(1),
            Protocol = Protocol.HTTP,
            ResponseHeaderOverrides = { ContentDisposition = "attachment; filename=\"a b+c.txt\"" },
        });

        Assert.Equal(AwsExample.AccessKeyId, Sdk.Authenticator().Authenticate(Sdk.FromUrl("GET", url).Replay()).AccessKeyId);
    }

    [Fact]
    public async Task A_presigned_put_accepts_any_body()
    {
        using var s3 = Sdk.Client(new CapturingHandler(), https: false);
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "bucket",
            Key = "upload.bin",
            Verb = HttpVerb.PUT,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        });

        var result = Sdk.Authenticator().Authenticate(Sdk.FromUrl("PUT", url, Content(300)).Replay());

        Assert.Equal(Content(300), await Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task A_listing_with_every_parameter_is_accepted()
    {
        var handler = new CapturingHandler();
        using var s3 = Sdk.Client(handler, https: false);
        var sent = await Sdk.CaptureAsync(handler, () => s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = "bucket",
            Prefix = "photos/2024 summer+ünï/",
            Delimiter = "/",
            StartAfter = "photos/a=b&c",
            ContinuationToken = "1/abc+def==",
            MaxKeys = 7,
            FetchOwner = true,
        }));

        Assert.Equal(AwsExample.AccessKeyId, Sdk.Authenticator().Authenticate(sent.Replay()).AccessKeyId);
    }
}
