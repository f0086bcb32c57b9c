namespace Strata.Server.Body;

/// <summary>
/// Reads through another stream and computes an x-amz-checksum-* of what passed: a server-side copy (CopyObject,
/// UploadPartCopy) gets the checksum S3 computes for it while its bytes stream into the draft, without a second read.
/// </summary>
internal sealed class ChecksummingStream(Stream inner, ChecksumAlgorithm algorithm) : Stream
{
    private readonly PayloadChecksum _checksum = new(algorithm);

    public ChecksumAlgorithm Algorithm => algorithm;

    /// <summary>The checksum of the bytes read so far, base64 as S3 sends it.</summary>
    public string ComputeBase64() => _checksum.ComputeBase64();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _checksum.Append(buffer.Span[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        _checksum.Append(buffer.AsSpan(offset, read));
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _checksum.Dispose();
        base.Dispose(disposing);
    }
}
