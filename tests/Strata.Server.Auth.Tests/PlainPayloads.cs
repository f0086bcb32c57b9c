using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Server.Body;

namespace Strata.Server.Auth.Tests;

/// <summary>Bodies sent as is: counted against Content-Length, hashed against the signed hash and x-amz-checksum-*.</summary>
public sealed class PlainPayloads
{
    private static byte[] Body(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7))];

    private static VerifiedBodyStream Stream(byte[] body, long? length, byte[]? sha256 = null, ChecksumAlgorithm? algorithm = null, string? checksum = null) =>
        new(new MemoryStream(body), length, sha256, algorithm, checksum);

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_incomplete()
    {
        await S3Assert.FailsAsync(StrataError.IncompleteBody, () => Http.ReadAllAsync(Stream(Body(10), 11)));
    }

    [Fact]
    public async Task A_body_longer_than_its_content_length_is_refused()
    {
        await S3Assert.FailsAsync(StrataError.InvalidRequest, () => Http.ReadAllAsync(Stream(Body(12), 11)));
    }

    [Fact]
    public async Task A_checksum_header_is_verified_once_the_body_is_read()
    {
        var body = Body(1000);
        var stream = Stream(body, 1000, algorithm: ChecksumAlgorithm.Sha256, checksum: Convert.ToBase64String(SHA256.HashData(body)));

        Assert.Null(stream.VerifiedChecksum);
        Assert.Equal(body, await Http.ReadAllAsync(stream, 7));
        Assert.Equal(new VerifiedChecksum("SHA256", Convert.ToBase64String(SHA256.HashData(body))), stream.VerifiedChecksum);
    }

    [Fact]
    public async Task A_wrong_checksum_header_is_a_bad_digest()
    {
        var stream = Stream(Body(1000), 1000, algorithm: ChecksumAlgorithm.Sha1, checksum: Convert.ToBase64String(SHA1.HashData(Body(999))));

        var failure = await S3Assert.FailsAsync(StrataError.BadDigest, () => Http.ReadAllAsync(stream));
        Assert.Equal("The SHA1 you specified did not match the calculated checksum.", failure.Message);
    }

    [Fact]
    public async Task A_body_that_differs_from_its_signed_hash_is_a_sha256_mismatch()
    {
        var stream = Stream(Body(100), 100, sha256: SHA256.HashData(Body(101)));

        await S3Assert.FailsAsync(StrataError.XAmzContentSHA256Mismatch, () => Http.ReadAllAsync(stream));
    }

    private static HttpRequest UnsignedPut(byte[] body, params (string, string)[] extra)
    {
        // Signed by SignedRequests below: what is under test is the payload handling after the signature.
        return Http.Request("PUT", "/bucket/key", [("Host", "h"), ("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. extra], body);
    }

    [Fact]
    public void Two_checksum_headers_are_refused()
    {
        var request = UnsignedPut([], ("x-amz-checksum-crc32", "AAAAAA=="), ("x-amz-checksum-sha1", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        S3Assert.Fails(StrataError.InvalidRequest, () => SignedRequests.Authenticate(request, "UNSIGNED-PAYLOAD"));
    }

    [Fact]
    public async Task A_checksum_header_that_is_not_base64_of_the_right_length_is_BadDigest_once_the_body_is_read()
    {
        // S3 answers a value that cannot be the algorithm's digest as it answers a wrong one (ceph/s3-tests test_object_checksum_*),
        // after the body, so that it is not left on the connection.
        var request = UnsignedPut(Body(100), ("x-amz-checksum-crc32c", "AAAA"));
        var result = SignedRequests.Authenticate(request, "UNSIGNED-PAYLOAD");
        await S3Assert.FailsAsync(StrataError.BadDigest, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task An_unsigned_payload_with_a_crc64_header_is_verified()
    {
        var body = Body(5000);
        var crc = new System.IO.Hashing.Crc64(System.IO.Hashing.Crc64ParameterSet.Nvme);
        crc.Append(body);
        var value = Convert.ToBase64String(BitConverter.GetBytes(crc.GetCurrentHashAsUInt64()).Reverse().ToArray());
        var result = SignedRequests.Authenticate(UnsignedPut(body, ("x-amz-checksum-crc64nvme", value)), "UNSIGNED-PAYLOAD");

        Assert.Equal(body, await Http.ReadAllAsync(result.Payload));
        Assert.Equal(new VerifiedChecksum("CRC64NVME", value), result.Checksum());
    }

    [Fact]
    public async Task An_empty_get_passes_the_body_through_untouched()
    {
        var request = Http.Request("GET", "/bucket/key", [("Host", "h")], []);
        // Kestrel's answer for a GET with neither Content-Length nor Transfer-Encoding.
        request.HttpContext.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new NoBody());
        var result = SignedRequests.Authenticate(request, AwsExample.EmptySha256);

        Assert.Same(request.Body, result.Payload);
        Assert.Empty(await Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task An_empty_body_with_the_hash_of_something_else_is_a_mismatch()
    {
        var request = Http.Request("PUT", "/bucket/key", [("Host", "h"), ("Content-Length", "0")], []);
        var result = SignedRequests.Authenticate(request, Convert.ToHexStringLower(SHA256.HashData("x"u8)));

        await S3Assert.FailsAsync(StrataError.XAmzContentSHA256Mismatch, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public void A_malformed_content_sha256_is_an_invalid_argument() =>
        S3Assert.Fails(StrataError.InvalidArgument, () => SignedRequests.Authenticate(UnsignedPut([]), "not-a-hash"));

    [Fact]
    public void A_streaming_payload_without_its_decoded_length_is_refused() =>
        S3Assert.Fails(StrataError.MissingContentLength, () => SignedRequests.Authenticate(UnsignedPut([]), "STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
}

internal sealed class NoBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
{
    public bool CanHaveBody => false;
}

/// <summary>Signs a request with our own canonicalization, to test what happens after the signature is accepted.</summary>
internal static class SignedRequests
{
    public static AuthenticatedRequest Authenticate(HttpRequest request, string contentSha256)
    {
        request.Headers["x-amz-content-sha256"] = contentSha256;
        request.Headers["x-amz-date"] = "20130524T000000Z";
        // As the SDKs do: host and every x-amz-* header the request carries are signed.
        var amzHeaders = request.Headers.Keys.Select(k => k.ToLowerInvariant()).Where(k => k.StartsWith("x-amz-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var signedHeaders = string.Join(';', amzHeaders.Prepend("host"));
        var (path, query) = CanonicalRequest.RawTarget(request);
        var writer = new PooledByteWriter(256);
        try
        {
            Assert.True(CanonicalRequest.Write(ref writer, request, path, query, presigned: false, signedHeaders, contentSha256));
            var canonicalHash = Convert.ToHexStringLower(SHA256.HashData(writer.WrittenSpan));
            var stringToSign = $"AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n{canonicalHash}";
            var key = SigningKeyCache.Derive(AwsExample.Secret, "20130524", "us-east-1");
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, System.Text.Encoding.ASCII.GetBytes(stringToSign)));
            request.Headers.Authorization = AwsExample.Authorization(signedHeaders, signature);
        }
        finally
        {
            writer.Dispose();
        }
        return AwsExample.Authenticator().Authenticate(request);
    }
}
