using System.Text;
using Strata.Core;
using Strata.Server.Body;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// "Transferring Payload in Multiple Chunks": the documented 66560 bytes of 'a' in chunks of 65536, 1024 and 0,
/// with the documented seed and chunk signatures, and the ways a body can be broken on the way.
/// </summary>
public sealed class ChunkedUploads
{
    private const string Seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private const string Chunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    private const string Chunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    private const string Final = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    internal static readonly byte[] Payload = Encoding.ASCII.GetBytes(new string('a', 66560));

    internal static byte[] Frame(params (int Size, string? Signature)[] chunks) => Frame(chunks, trailer: null);

    internal static byte[] Frame((int Size, string? Signature)[] chunks, string? trailer)
    {
        var body = new MemoryStream();
        foreach (var (size, signature) in chunks)
        {
            var header = size.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + (signature is null ? "" : ";chunk-signature=" + signature) + "\r\n";
            body.Write(Encoding.ASCII.GetBytes(header));
            body.Write(Payload, 0, size);
            if (size > 0 || trailer is null) body.Write("\r\n"u8);
        }
        if (trailer is not null) body.Write(Encoding.ASCII.GetBytes(trailer));
        return body.ToArray();
    }

    private static readonly byte[] DocumentedBody = Frame((65536, Chunk1), (1024, Chunk2), (0, Final));

    private static Microsoft.AspNetCore.Http.HttpRequest Request(byte[] body, int trickle = 0, string decodedLength = "66560") =>
        Http.Request("PUT", "/examplebucket/chunkObject.txt",
        [
            ("Host", "s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("Authorization", AwsExample.Authorization(
                "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class", Seed)),
            ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            ("Content-Encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", decodedLength),
            ("Content-Length", "66824"),
        ], body, trickle > 0 ? new TrickleStream(body, trickle) : null);

    [Theory]
    [InlineData(0, 81920)]
    [InlineData(0, 1)]
    [InlineData(0, 4097)]
    [InlineData(1, 81920)]
    [InlineData(7, 100)]
    [InlineData(5000, 65536)]
    public async Task The_documented_upload_decodes_to_its_payload(int trickle, int readSize)
    {
        var result = AwsExample.Authenticator().Authenticate(Request(DocumentedBody, trickle));

        Assert.Equal(66560, result.PayloadLength);
        Assert.Equal(Payload, await Http.ReadAllAsync(result.Payload, readSize));
        Assert.Null(result.Checksum());
    }

    [Fact]
    public void The_documented_upload_decodes_with_synchronous_reads_when_the_body_allows_them()
    {
        var result = AwsExample.Authenticator().Authenticate(Request(DocumentedBody));
        var decoded = new MemoryStream();

        result.Payload.CopyTo(decoded);

        Assert.Equal(Payload, decoded.ToArray());
    }

    [Fact]
    public async Task A_tampered_chunk_signature_is_refused()
    {
        var body = Frame((65536, Chunk1), (1024, "1" + Chunk2[1..]), (0, Final));
        var result = AwsExample.Authenticator().Authenticate(Request(body));

        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(result.Payload));
    }

    [Theory]
    [InlineData(100)]      // first chunk
    [InlineData(65700)]    // second chunk
    public async Task A_tampered_byte_of_data_is_refused(int offset)
    {
        var body = DocumentedBody.ToArray();
        body[offset] = (byte)'b';
        var result = AwsExample.Authenticator().Authenticate(Request(body));

        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task Reordered_chunks_are_refused()
    {
        var body = Frame((1024, Chunk2), (65536, Chunk1), (0, Final));
        var result = AwsExample.Authenticator().Authenticate(Request(body));

        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task A_missing_chunk_signature_is_refused()
    {
        var body = Frame((65536, null), (1024, Chunk2), (0, Final));
        var result = AwsExample.Authenticator().Authenticate(Request(body));

        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(result.Payload));
    }

    [Theory]
    [InlineData(10)]       // inside the chunk data
    [InlineData(65560)]    // inside the second chunk header
    [InlineData(66700)]    // after the second chunk, before the final one
    public async Task A_truncated_body_is_incomplete(int keep)
    {
        var result = AwsExample.Authenticator().Authenticate(Request(DocumentedBody[..keep]));

        await S3Assert.FailsAsync(StrataError.IncompleteBody, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task A_body_without_its_final_chunk_is_incomplete()
    {
        var result = AwsExample.Authenticator().Authenticate(Request(Frame((65536, Chunk1), (1024, Chunk2))));

        await S3Assert.FailsAsync(StrataError.IncompleteBody, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public void Changing_the_decoded_length_breaks_the_seed_signature()
    {
        S3Assert.Fails(StrataError.SignatureDoesNotMatch, () => AwsExample.Authenticator().Authenticate(Request(DocumentedBody, decodedLength: "70000")));
    }

    [Fact]
    public async Task A_body_shorter_than_its_decoded_length_is_incomplete()
    {
        var stream = new AwsChunkedStream(new MemoryStream(Frame([(1024, null), (0, null)], "\r\n")), 2048, null, hasTrailer: true, null, null);

        await S3Assert.FailsAsync(StrataError.IncompleteBody, () => Http.ReadAllAsync(stream));
    }

    [Fact]
    public async Task A_chunk_beyond_the_decoded_length_is_refused()
    {
        var stream = new AwsChunkedStream(new MemoryStream(Frame([(1024, null), (0, null)], "\r\n")), 1000, null, hasTrailer: true, null, null);

        await S3Assert.FailsAsync(StrataError.InvalidRequest, () => Http.ReadAllAsync(stream));
    }

    [Fact]
    public async Task An_endless_chunk_header_is_refused_within_4_KiB()
    {
        var body = Encoding.ASCII.GetBytes("10000;" + new string('x', 100_000));
        var result = AwsExample.Authenticator().Authenticate(Request(body));

        await S3Assert.FailsAsync(StrataError.InvalidRequest, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task Data_after_the_final_chunk_is_refused()
    {
        var result = AwsExample.Authenticator().Authenticate(Request([.. DocumentedBody, .. "garbage"u8]));

        await S3Assert.FailsAsync(StrataError.InvalidRequest, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task Reading_again_after_a_failure_fails_again()
    {
        var result = AwsExample.Authenticator().Authenticate(Request(Frame((65536, Chunk1), (1024, Final), (0, Final))));

        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(result.Payload));
        await S3Assert.FailsAsync(StrataError.SignatureDoesNotMatch, () => Http.ReadAllAsync(result.Payload));
    }
}
