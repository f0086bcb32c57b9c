using System.Text;
using Strata.Core;
using Strata.Server.Body;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// "Signature calculations for trailing headers": the documented signed trailer (x-amz-checksum-crc32c:sOO8/Q==
/// over the same 66560 bytes, seed 106e2a8a...), and STREAMING-UNSIGNED-PAYLOAD-TRAILER as SDKs send it over TLS.
/// </summary>
public sealed class TrailingChecksums
{
    private const string Seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
    private const string Chunk1 = "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2";
    private const string Chunk2 = "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7";
    private const string Final = "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992";
    private const string TrailerSignature = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";

    private static AwsChunkedStream SignedStream(byte[] body, ChecksumAlgorithm? trailer = ChecksumAlgorithm.Crc32C)
    {
        var key = SigningKeyCache.Derive(AwsExample.Secret, "20130524", "us-east-1");
        var chain = new ChunkSignatureChain(key, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", Convert.FromHexString(Seed));
        return new AwsChunkedStream(new MemoryStream(body), 66560, chain, hasTrailer: true, trailer, headerChecksum: null);
    }

    private static byte[] SignedBody(string trailer, string signature = TrailerSignature, bool blankLine = false) =>
        ChunkedUploads.Frame([(65536, Chunk1), (1024, Chunk2), (0, Final)],
            (blankLine ? "\r\n" : "") + trailer + "\r\nx-amz-trailer-signature:" + signature + "\r\n\r\n");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_documented_signed_trailer_verifies_and_exposes_its_checksum(bool blankLine)
    {
        var stream = SignedStream(SignedBody("x-amz-checksum-crc32c:sOO8/Q==", blankLine: blankLine));

        Assert.Null(stream.VerifiedChecksum);
        Assert.Equal(ChunkedUploads.Payload, await Http.ReadAllAsync(stream));
        Assert.Equal(new VerifiedChecksum("CRC32C", "sOO8/Q=="), stream.VerifiedChecksum);
    }

    [Fact]
    public async Task A_changed_signed_trailer_fails_its_signature()
    {
        var stream = SignedStream(SignedBody("x-amz-checksum-crc32c:AAAAAA=="));

        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(stream));
    }

    [Fact]
    public async Task A_signed_trailer_without_its_signature_is_refused()
    {
        var body = ChunkedUploads.Frame([(65536, Chunk1), (1024, Chunk2), (0, Final)], "x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n");

        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(SignedStream(body)));
    }

    private static AwsChunkedStream UnsignedStream(string trailerLines, ChecksumAlgorithm? declared = ChecksumAlgorithm.Crc32C, int step = 0)
    {
        var body = ChunkedUploads.Frame([(65536, null), (1024, null), (0, null)], trailerLines);
        Stream inner = step > 0 ? new TrickleStream(body, step) : new MemoryStream(body);
        return new AwsChunkedStream(inner, 66560, signatures: null, hasTrailer: true, declared, headerChecksum: null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task An_unsigned_trailer_checksum_is_verified(int step)
    {
        var stream = UnsignedStream("x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n", step: step);

        Assert.Equal(ChunkedUploads.Payload, await Http.ReadAllAsync(stream));
        Assert.Equal(new VerifiedChecksum("CRC32C", "sOO8/Q=="), stream.VerifiedChecksum);
    }

    [Fact]
    public async Task A_wrong_trailer_checksum_is_a_bad_digest()
    {
        var stream = UnsignedStream("x-amz-checksum-crc32c:AAAAAA==\r\n\r\n");

        var failure = await S3Assert.FailsAsync(StrataError.BadDigest, () => Http.ReadAllAsync(stream));
        Assert.Equal("The CRC32C you specified did not match the calculated checksum.", failure.Message);
        Assert.Null(stream.VerifiedChecksum);
    }

    [Fact]
    public async Task A_declared_trailer_that_never_comes_is_refused()
    {
        await S3Assert.FailsAsync(StrataError.InvalidRequest, () => Http.ReadAllAsync(UnsignedStream("\r\n")));
    }

    [Fact]
    public async Task An_undeclared_trailer_is_refused()
    {
        var stream = UnsignedStream("x-amz-checksum-crc32:AAAAAA==\r\n\r\n");

        await S3Assert.FailsAsync(StrataError.InvalidRequest, () => Http.ReadAllAsync(stream));
    }

    [Fact]
    public async Task A_trailer_with_a_bare_newline_is_malformed()
    {
        await S3Assert.FailsAsync(StrataError.InvalidRequest, () => Http.ReadAllAsync(UnsignedStream("x-amz-checksum-crc32c:sOO8/Q==\n\r\n")));
    }
}
