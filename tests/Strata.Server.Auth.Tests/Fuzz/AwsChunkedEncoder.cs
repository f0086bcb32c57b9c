using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Strata.Server.Body;

namespace Strata.Server.Auth.Tests.Fuzz;

/// <summary>The three aws-chunked payload modes S3 clients send.</summary>
internal enum ChunkedMode
{
    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: signed chunks, no trailer (a checksum may come as a header).</summary>
    Signed,
    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks and a signed checksum trailer.</summary>
    SignedTrailer,
    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain chunks, a checksum trailer or none.</summary>
    UnsignedTrailer,
}

/// <summary>
/// A valid aws-chunked body, encoded here from the AWS documentation's definitions ("Transferring payload in
/// multiple chunks", "Signature calculations for trailing headers") independently of the decoder, with what
/// the decoder needs to read it back: the signing key, the seed signature and the declared checksum.
/// </summary>
internal sealed record ChunkedBody(ChunkedMode Mode, byte[] Payload, byte[] Encoded, byte[] SigningKey, byte[] SeedSignature,
    ChecksumAlgorithm? Checksum, string? HeaderChecksum)
{
    public const string Timestamp = "20130524T000000Z";
    public const string Scope = "20130524/us-east-1/s3/aws4_request";
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The decoder over <paramref name="inner"/>, as RequestAuthenticator.Accept builds it for this mode.</summary>
    public AwsChunkedStream Open(Stream inner, long? declaredLength = null) => new(inner, declaredLength ?? Payload.Length,
        Mode == ChunkedMode.UnsignedTrailer ? null : new ChunkSignatureChain(SigningKey, Timestamp, Scope, SeedSignature),
        hasTrailer: Mode != ChunkedMode.Signed, Checksum, HeaderChecksum);

    /// <param name="chunkSizes">Sizes used in turn until the payload is consumed (each at least 1).</param>
    public static ChunkedBody Encode(ChunkedMode mode, byte[] payload, IReadOnlyList<int> chunkSizes, ChecksumAlgorithm? checksum,
        bool checksumInHeader, int keySeed)
    {
        var key = SHA256.HashData(BitConverter.GetBytes(keySeed));
        var seed = SHA256.HashData(key);
        var signed = mode != ChunkedMode.UnsignedTrailer;
        var previous = Convert.ToHexStringLower(seed);
        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.ASCII.GetBytes(text));
        void Chunk(ReadOnlySpan<byte> data)
        {
            Write(data.Length.ToString("x", CultureInfo.InvariantCulture));
            if (signed)
            {
                previous = Sign(key, $"AWS4-HMAC-SHA256-PAYLOAD\n{Timestamp}\n{Scope}\n{previous}\n{EmptySha256}\n{Hex(SHA256.HashData(data))}");
                Write(";chunk-signature=" + previous);
            }
            Write("\r\n");
            body.Write(data);
            if (data.Length > 0 || mode == ChunkedMode.Signed) Write("\r\n");
        }

        for (int offset = 0, i = 0; offset < payload.Length; i++)
        {
            var size = Math.Min(Math.Max(1, chunkSizes[i % chunkSizes.Count]), payload.Length - offset);
            Chunk(payload.AsSpan(offset, size));
            offset += size;
        }
        Chunk([]);

        string? value = null;
        if (checksum is { } algorithm)
        {
            using var computed = new PayloadChecksum(algorithm);
            computed.Append(payload);
            value = computed.ComputeBase64();
        }
        var inHeader = mode == ChunkedMode.Signed && checksumInHeader;
        if (mode != ChunkedMode.Signed)
        {
            var trailer = checksum is { } declared ? $"{PayloadChecksum.HeaderName(declared)}:{value}" : null;
            if (trailer is not null) Write(trailer + "\r\n");
            if (signed)
            {
                var trailerHash = Hex(SHA256.HashData(Encoding.ASCII.GetBytes(trailer is null ? "" : trailer + "\n")));
                Write("x-amz-trailer-signature:" + Sign(key, $"AWS4-HMAC-SHA256-TRAILER\n{Timestamp}\n{Scope}\n{previous}\n{trailerHash}") + "\r\n");
            }
            Write("\r\n");
        }
        return new ChunkedBody(mode, payload, body.ToArray(), key, seed, mode == ChunkedMode.Signed && !inHeader ? null : checksum,
            inHeader ? value : null);
    }

    private static string Sign(byte[] key, string stringToSign) => Hex(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(stringToSign)));

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}

/// <summary>
/// The request body as the decoder's inner stream: at most <c>step</c> bytes per read, synchronous in both read
/// paths, optionally followed by an endless repetition of a pattern. Counts what the decoder pulled from it.
/// </summary>
internal sealed class FuzzBody(byte[] data, int step, byte[]? endlessPattern = null, long cap = long.MaxValue) : Stream
{
    private long _position;

    public long BytesRead => _position;

    /// <summary>The decoder asked for more after <c>cap</c> bytes of an endless body: it did not bound its reading.</summary>
    public bool CapReached { get; private set; }

    public int ReadsAfterEnd { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(step, buffer.Length);
        if (_position >= cap)
        {
            CapReached = true;
            return 0;
        }
        if (_position < data.Length)
        {
            n = (int)Math.Min(n, data.Length - _position);
            data.AsSpan((int)_position, n).CopyTo(buffer);
        }
        else if (endlessPattern is { Length: > 0 } pattern)
        {
            for (var i = 0; i < n; i++) buffer[i] = pattern[(int)((_position + i - data.Length) % pattern.Length)];
        }
        else
        {
            ReadsAfterEnd++;
            return 0;
        }
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
