namespace Strata.Server.Body;

/// <summary>
/// A read-only, forward-only stream written once for synchronous and asynchronous callers: a subclass implements
/// <see cref="ReadCoreAsync"/>, and with useAsync false every await in it completes synchronously, as in the BCL's
/// own streams. Request bodies (<see cref="PayloadStream"/>) and the wrappers that bound or checksum a body
/// stream (<see cref="BoundedStream"/>, <see cref="BoundedBodyStream"/>, <see cref="ChecksummingStream"/>) share it.
/// </summary>
internal abstract class ForwardOnlyStream : Stream
{
    protected abstract ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken);

    /// <summary>Reads from <paramref name="source"/> as the caller of <see cref="ReadCoreAsync"/> asked: awaited or synchronous.</summary>
    protected static ValueTask<int> ReadFromAsync(Stream source, Memory<byte> destination, bool useAsync, CancellationToken cancellationToken) =>
        useAsync ? source.ReadAsync(destination, cancellationToken) : ValueTask.FromResult(source.Read(destination.Span));

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
