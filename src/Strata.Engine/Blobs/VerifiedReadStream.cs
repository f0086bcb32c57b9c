using Strata.Engine.Objects;
using Strata.Engine.Scrub;

namespace Strata.Engine.Blobs;

/// <summary>
/// A blob's bytes as a GET or a copy reads them, hashed as they pass: when the last recorded byte has been read the
/// <see cref="BodyHash"/> is compared before that last chunk is handed on, so a reader that sends what it reads never
/// sends a whole body that differs from what was written. A file that ends early is damaged too. A read that seeks
/// (a Range GET) cannot see the whole body and is not checked.
/// </summary>
internal sealed class VerifiedReadStream(Stream inner, long size, byte[]? expected, ObjectVersion version, int partNumber) : Stream
{
    private readonly BodyHash? _hash = expected is null ? null : new BodyHash();
    private long _position;
    private bool _verifying = expected is not null;

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => size;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => size + offset,
        };
        if (target != _position) _verifying = false; // only a read from the first byte to the last is checked
        _position = inner.Seek(target, SeekOrigin.Begin);
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Checked(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Checked(buffer.AsSpan(offset, count), inner.Read(buffer, offset, count));

    private int Checked(Span<byte> buffer, int read)
    {
        if (read == 0 && _position < size && buffer.Length > 0)
        {
            throw new DamagedContentException(version, partNumber, ScrubFinding.Mismatch, $"the file ends after {_position} of its {size} bytes");
        }
        var counted = (int)Math.Min(read, Math.Max(0, size - _position)); // a file longer than recorded: its tail is never sent
        if (_verifying) _hash!.Append(buffer[..counted]);
        _position += read;
        if (_verifying && _position >= size)
        {
            _verifying = false;
            if (!BodyHash.Matches(expected, _hash!.GetHashAndReset()))
            {
                throw new DamagedContentException(version, partNumber, ScrubFinding.Mismatch, "its bytes do not match the checksum recorded when it was written");
            }
        }
        return read;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
