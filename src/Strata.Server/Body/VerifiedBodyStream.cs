using System.Security.Cryptography;
using Strata.Core;

namespace Strata.Server.Body;

/// <summary>
/// A body sent as is (not aws-chunked): counts it against Content-Length, hashes it against a signed
/// x-amz-content-sha256 and an x-amz-checksum-* header, and throws at the end on any difference.
/// </summary>
internal sealed class VerifiedBodyStream : PayloadStream
{
    private readonly Stream _inner;
    private readonly long? _expectedLength;
    private readonly byte[]? _expectedSha256;
    private readonly string? _claimedChecksum;
    private IncrementalHash? _sha256;
    private PayloadChecksum? _checksum;
    private long _read;
    private bool _finished;
    private StrataException? _failure;

    public VerifiedBodyStream(Stream inner, long? expectedLength, byte[]? expectedSha256, ChecksumAlgorithm? checksum, string? claimedChecksum)
    {
        _inner = inner;
        _expectedLength = expectedLength;
        _expectedSha256 = expectedSha256;
        _claimedChecksum = claimedChecksum;
        if (expectedSha256 is not null) _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (checksum is { } algorithm) _checksum = new PayloadChecksum(algorithm);
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken)
    {
        if (_failure is not null) throw _failure;
        if (_finished || destination.IsEmpty) return 0;
        var read = useAsync ? await _inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false) : _inner.Read(destination.Span);
        if (read == 0)
        {
            Finish();
            return 0;
        }
        _read += read;
        if (_read > _expectedLength)
        {
            Release();
            throw _failure = S3Fail.Exception(StrataError.InvalidRequest, "The request body is longer than its Content-Length.");
        }
        var data = destination.Span[..read];
        _sha256?.AppendData(data);
        _checksum?.Append(data);
        return read;
    }

    private void Finish()
    {
        _finished = true;
        try
        {
            if (_read < _expectedLength) throw S3Fail.Exception(StrataError.IncompleteBody);
            if (_sha256 is not null)
            {
                Span<byte> actual = stackalloc byte[32];
                _sha256.GetHashAndReset(actual);
                // Not a secret: the client sent the hash in the clear. Fixed time anyway, it costs nothing.
                if (!CryptographicOperations.FixedTimeEquals(actual, _expectedSha256))
                {
                    throw S3Fail.Exception(StrataError.XAmzContentSHA256Mismatch,
                        "The provided 'x-amz-content-sha256' header does not match what was computed.");
                }
            }
            if (_checksum is not null) SetVerified(_checksum.Verify(_claimedChecksum!));
        }
        catch (StrataException failure)
        {
            // A caller that reads again must not see a clean end after the error.
            _failure = failure;
            throw;
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        _finished = true;
        _sha256?.Dispose();
        _sha256 = null;
        _checksum?.Dispose();
        _checksum = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Release();
        base.Dispose(disposing);
    }
}
