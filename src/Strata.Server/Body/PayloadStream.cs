using Strata.Server.Auth;

namespace Strata.Server.Body;

/// <summary>
/// A read-only, forward-only view of a request body that verifies what it yields and throws S3's error when
/// the end is reached and something did not match. One read path serves both sync and async callers: with
/// useAsync false every await completes synchronously, as in the BCL's own streams, so the synchronous Read
/// stays available for a body that allows it (Kestrel's refuses unless AllowSynchronousIO is set).
/// </summary>
internal abstract class PayloadStream : Stream
{
    private VerifiedChecksum? _verified;

    /// <summary>The checksum proven once the payload was read to its end; null before, or when none was sent.</summary>
    public VerifiedChecksum? VerifiedChecksum => _verified;

    protected void SetVerified(VerifiedChecksum? checksum) => _verified = checksum;

    protected abstract ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken);

    public sealed override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(buffer, useAsync: true, cancellationToken);

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadCoreAsync(buffer.AsMemory(offset, count), useAsync: true, cancellationToken).AsTask();

    public sealed override int Read(byte[] buffer, int offset, int count)
    {
        var pending = ReadCoreAsync(buffer.AsMemory(offset, count), useAsync: false, CancellationToken.None);
        if (!pending.IsCompleted) throw new InvalidOperationException("A synchronous read did not complete synchronously.");
        return pending.GetAwaiter().GetResult();
    }

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();
    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public sealed override void Flush() { }
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
