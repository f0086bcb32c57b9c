using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Strata.Core;
using Strata.Server.Auth;

namespace Strata.Server.Body;

/// <summary>
/// Decodes an aws-chunked body as it is read: "hex-size[;chunk-signature=sig]\r\n data \r\n" ... a final
/// zero-size chunk, then for the -TRAILER modes "name:value\r\n" lines (and x-amz-trailer-signature when
/// signed) up to an empty line. Framing is parsed in a pooled 16 KiB buffer with every line bounded; chunk
/// data is copied straight to the reader. Chunk signatures are checked as each chunk ends, the length,
/// trailer signature and checksum when the final frame is read.
/// </summary>
internal sealed class AwsChunkedStream : PayloadStream
{
    private enum State { ChunkHeader, ChunkData, ChunkEnd, FinalLine, Trailer, Drain, Done }

    private const int BufferSize = 16 * 1024;
    private const int MaxLineLength = 4096;
    private const int MaxTrailerLines = 8;
    // Below this a read goes through the frame buffer; above it straight from the socket to the reader.
    private const int DirectReadMinimum = 4096;

    private readonly Stream _inner;
    private readonly long _declaredLength;
    private readonly ChunkSignatureChain? _signatures;
    private readonly bool _hasTrailer;
    private readonly ChecksumAlgorithm? _trailerChecksum;
    private readonly string? _headerChecksum;
    private readonly byte[] _claimedSignature = new byte[32];

    private PayloadChecksum? _checksum;
    private IncrementalHash? _chunkHash;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _innerEnded;
    private State _state;
    private long _chunkRemaining;
    private long _decoded;
    private int _trailerLines;
    private bool _blankBeforeTrailer;
    private bool _trailerSignatureSeen;
    private string? _trailerChecksumValue;
    private StrataException? _failure;

    /// <param name="inner">The raw request body.</param>
    /// <param name="declaredLength">x-amz-decoded-content-length: the payload's length once decoded.</param>
    /// <param name="signatures">The chunk signature chain for the signed modes; null for STREAMING-UNSIGNED-PAYLOAD-TRAILER.</param>
    /// <param name="hasTrailer">True for the -TRAILER modes.</param>
    /// <param name="checksum">The x-amz-checksum-* algorithm to compute, from a header or the declared trailer.</param>
    /// <param name="headerChecksum">The value of an x-amz-checksum-* header; null when the value comes in the trailer.</param>
    public AwsChunkedStream(Stream inner, long declaredLength, ChunkSignatureChain? signatures, bool hasTrailer,
        ChecksumAlgorithm? checksum, string? headerChecksum)
    {
        _inner = inner;
        _declaredLength = declaredLength;
        _signatures = signatures;
        _hasTrailer = hasTrailer;
        _headerChecksum = headerChecksum;
        if (checksum is { } algorithm)
        {
            _checksum = new PayloadChecksum(algorithm);
            if (headerChecksum is null) _trailerChecksum = algorithm;
        }
        if (signatures is not null) _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken)
    {
        if (_failure is not null) throw _failure;
        if (_state == State.Done || destination.IsEmpty) return 0;
        _buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                switch (_state)
                {
                    case State.ChunkHeader:
                        if (TryTakeLine(out var start, out var length)) ParseChunkHeader(_buffer.AsSpan(start, length));
                        else if (!await FillAsync(useAsync, cancellationToken).ConfigureAwait(false)) throw Incomplete();
                        break;

                    case State.ChunkData:
                        var want = (int)Math.Min(_chunkRemaining, destination.Length);
                        int read;
                        if (_end > _start)
                        {
                            read = Math.Min(want, _end - _start);
                            _buffer.AsSpan(_start, read).CopyTo(destination.Span);
                            _start += read;
                        }
                        else if (want >= DirectReadMinimum)
                        {
                            var target = destination[..want];
                            read = useAsync
                                ? await _inner.ReadAsync(target, cancellationToken).ConfigureAwait(false)
                                : _inner.Read(target.Span);
                            if (read == 0) throw Incomplete();
                        }
                        else
                        {
                            if (!await FillAsync(useAsync, cancellationToken).ConfigureAwait(false)) throw Incomplete();
                            break;
                        }
                        Consume(destination.Span[..read]);
                        return read;

                    case State.ChunkEnd:
                        if (_end - _start >= 2)
                        {
                            if (_buffer[_start] != (byte)'\r' || _buffer[_start + 1] != (byte)'\n') throw Malformed("chunk data is not followed by CRLF");
                            _start += 2;
                            _state = State.ChunkHeader;
                        }
                        else if (!await FillAsync(useAsync, cancellationToken).ConfigureAwait(false)) throw Incomplete();
                        break;

                    case State.FinalLine:
                        if (TryTakeLine(out _, out var finalLength))
                        {
                            if (finalLength != 0) throw Malformed("the final chunk is not followed by an empty line");
                            Complete();
                        }
                        else if (!await FillAsync(useAsync, cancellationToken).ConfigureAwait(false))
                        {
                            // Every byte is in and verified; a client that stops after "0;chunk-signature=...\r\n" loses nothing.
                            if (_end == _start) Complete();
                            else throw Incomplete();
                        }
                        break;

                    case State.Trailer:
                        if (TryTakeLine(out var lineStart, out var lineLength)) TrailerLine(_buffer.AsSpan(lineStart, lineLength));
                        else if (!await FillAsync(useAsync, cancellationToken).ConfigureAwait(false))
                        {
                            // Signers differ on the CRLFs that close the trailer; at the end of the body, a last
                            // line without CRLF still counts, and Complete() insists on what must have arrived.
                            if (_end > _start)
                            {
                                var last = _buffer.AsSpan(_start, _end - _start);
                                _start = _end;
                                TrailerLine(last[^1] == (byte)'\r' ? last[..^1] : last);
                            }
                            if (_state == State.Trailer) Complete();
                        }
                        break;

                    case State.Drain:
                        while (_start < _end)
                        {
                            if (_buffer[_start] is not ((byte)'\r' or (byte)'\n')) throw Malformed("data follows the final chunk");
                            _start++;
                        }
                        if (!await FillAsync(useAsync, cancellationToken).ConfigureAwait(false))
                        {
                            _state = State.Done;
                            Release();
                            return 0;
                        }
                        break;

                    default:
                        return 0;
                }
            }
        }
        catch (StrataException failure)
        {
            // A caller that reads again must not see a clean end after the error.
            _failure = failure;
            Release();
            throw;
        }
    }

    private void ParseChunkHeader(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        var sizeText = semicolon < 0 ? line : line[..semicolon];
        if (sizeText.IsEmpty || sizeText.Length > 15) throw Malformed("the chunk size is not hexadecimal");
        long size = 0;
        foreach (var digit in sizeText)
        {
            var value = SigV4.HexValue((char)digit);
            if (value < 0) throw Malformed("the chunk size is not hexadecimal");
            size = (size << 4) | (uint)value;
        }
        if (_signatures is not null)
        {
            var extension = semicolon < 0 ? [] : line[(semicolon + 1)..];
            if (!extension.StartsWith("chunk-signature="u8) || !SigV4.TryDecodeHex(extension["chunk-signature=".Length..], _claimedSignature))
            {
                throw SignatureMismatch();
            }
        }
        if (size > _declaredLength - _decoded)
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, "The aws-chunked body holds more than x-amz-decoded-content-length.");
        }
        if (size > 0)
        {
            _chunkRemaining = size;
            _state = State.ChunkData;
            return;
        }
        EndChunk();
        _state = _hasTrailer ? State.Trailer : State.FinalLine;
    }

    private void Consume(ReadOnlySpan<byte> data)
    {
        _chunkHash?.AppendData(data);
        _checksum?.Append(data);
        _decoded += data.Length;
        _chunkRemaining -= data.Length;
        if (_chunkRemaining > 0) return;
        EndChunk();
        _state = State.ChunkEnd;
    }

    private void EndChunk()
    {
        if (_signatures is null) return;
        Span<byte> hash = stackalloc byte[32];
        _chunkHash!.GetHashAndReset(hash);
        if (!_signatures.VerifyChunk(hash, _claimedSignature)) throw SignatureMismatch();
    }

    private void TrailerLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            // Some signers end the zero-size chunk with its own CRLF before the trailer (the .NET SDK does
            // when it has no trailing header but still signs the empty trailer); one such line is allowed.
            if (_trailerLines == 0 && !_blankBeforeTrailer && !_trailerSignatureSeen)
            {
                _blankBeforeTrailer = true;
                return;
            }
            Complete();
            return;
        }
        if (++_trailerLines > MaxTrailerLines) throw Malformed("too many trailer lines");
        var colon = line.IndexOf((byte)':');
        if (colon <= 0) throw Malformed("a trailer line is not name:value");
        var name = line[..colon].Trim((byte)' ');
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (_trailerSignatureSeen) throw Malformed("a trailer follows x-amz-trailer-signature");

        if (Ascii.EqualsIgnoreCase(name, SigV4.TrailerSignatureName))
        {
            if (_signatures is null) throw Malformed("an unsigned trailer carries x-amz-trailer-signature");
            _trailerSignatureSeen = true;
            Span<byte> hash = stackalloc byte[32];
            _chunkHash!.GetHashAndReset(hash);
            if (!SigV4.TryDecodeHex(value, _claimedSignature) || !_signatures.VerifyTrailer(hash, _claimedSignature)) throw SignatureMismatch();
            return;
        }
        if (!TryParseChecksumName(name, out var algorithm) || algorithm != _trailerChecksum || _trailerChecksumValue is not null)
        {
            throw S3Fail.Exception(StrataError.InvalidRequest,
                $"The trailer {Encoding.ASCII.GetString(name)} was not declared in x-amz-trailer.");
        }
        _trailerChecksumValue = Encoding.ASCII.GetString(value);
        if (_chunkHash is not null)
        {
            // The trailer signature covers "name:value\n" per trailer, the name in lower case.
            Span<byte> lower = stackalloc byte[name.Length];
            Ascii.ToLower(name, lower, out _);
            _chunkHash.AppendData(lower);
            _chunkHash.AppendData(":"u8);
            _chunkHash.AppendData(value);
            _chunkHash.AppendData("\n"u8);
        }
    }

    private static bool TryParseChecksumName(ReadOnlySpan<byte> name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in PayloadChecksum.All)
        {
            if (Ascii.EqualsIgnoreCase(name, PayloadChecksum.HeaderName(candidate)))
            {
                algorithm = candidate;
                return true;
            }
        }
        algorithm = default;
        return false;
    }

    /// <summary>The final frame is in: check length, trailer and checksum, then expect only the end of the body.</summary>
    private void Complete()
    {
        if (_decoded < _declaredLength) throw Incomplete();
        if (_trailerChecksum is { } declared && _trailerChecksumValue is null)
        {
            throw S3Fail.Exception(StrataError.InvalidRequest,
                $"The trailer {PayloadChecksum.HeaderName(declared)} was declared in x-amz-trailer but not sent.");
        }
        if (_signatures is not null && _trailerLines > 0 && !_trailerSignatureSeen)
        {
            throw S3Fail.Exception(StrataError.SignatureDoesNotMatch, "The trailer is not signed: x-amz-trailer-signature is missing.");
        }
        if (_checksum is not null) SetVerified(_checksum.Verify(_headerChecksum ?? _trailerChecksumValue!));
        _state = State.Drain;
    }

    /// <summary>Takes one CRLF-terminated line from the buffer, or asks for more; a line is at most 4 KiB.</summary>
    private bool TryTakeLine(out int start, out int length)
    {
        var pending = _buffer.AsSpan(_start, _end - _start);
        var newline = pending.IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (pending.Length >= MaxLineLength) throw Malformed("a frame line is longer than 4 KiB");
            start = length = 0;
            return false;
        }
        if (newline == 0 || pending[newline - 1] != (byte)'\r') throw Malformed("a frame line does not end in CRLF");
        start = _start;
        length = newline - 1;
        _start += newline + 1;
        return true;
    }

    private async ValueTask<bool> FillAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (_innerEnded) return false;
        var buffer = _buffer!;
        if (_start > 0)
        {
            buffer.AsSpan(_start, _end - _start).CopyTo(buffer);
            _end -= _start;
            _start = 0;
        }
        var free = buffer.AsMemory(_end);
        var read = useAsync
            ? await _inner.ReadAsync(free, cancellationToken).ConfigureAwait(false)
            : _inner.Read(free.Span);
        if (read == 0)
        {
            _innerEnded = true;
            return false;
        }
        _end += read;
        return true;
    }

    private static StrataException Incomplete() => S3Fail.Exception(StrataError.IncompleteBody);

    private static StrataException SignatureMismatch() =>
        S3Fail.Exception(StrataError.SignatureDoesNotMatch, SigV4.SignatureMismatchMessage);

    private static StrataException Malformed(string detail) =>
        S3Fail.Exception(StrataError.InvalidRequest, "The aws-chunked body is malformed: " + detail + ".");

    private void Release()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        _chunkHash?.Dispose();
        _chunkHash = null;
        _checksum?.Dispose();
        _checksum = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Release();
        base.Dispose(disposing);
    }
}
