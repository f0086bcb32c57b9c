namespace Strata.Engine.Blobs;

/// <summary>
/// The content of a completed multipart object: its parts' streams, read in order, seekable for ranges.
/// Every part is opened when the stream is made, so a GET that started keeps its bytes even if the
/// version is deleted meanwhile (unlinked files stay readable through open handles).
/// </summary>
internal sealed class ConcatenatedStream(IReadOnlyList<(long Offset, long Size, Stream Content)> parts, long length) : Stream
{
    private long _position;
    private int _current;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        _current = 0;
        while (_current < parts.Count && parts[_current].Offset + parts[_current].Size <= _position) _current++;
        if (_current < parts.Count) parts[_current].Content.Seek(_position - parts[_current].Offset, SeekOrigin.Begin);
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current < parts.Count)
        {
            var (offset, size, content) = parts[_current];
            var left = offset + size - _position;
            if (left <= 0)
            {
                _current++;
                if (_current < parts.Count) parts[_current].Content.Seek(0, SeekOrigin.Begin);
                continue;
            }
            var read = await content.ReadAsync(buffer[..(int)Math.Min(buffer.Length, left)], cancellationToken);
            if (read == 0) throw new IOException($"part content ended {left} bytes early");
            _position += read;
            return read;
        }
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_current < parts.Count)
        {
            var (partOffset, size, content) = parts[_current];
            var left = partOffset + size - _position;
            if (left <= 0)
            {
                _current++;
                if (_current < parts.Count) parts[_current].Content.Seek(0, SeekOrigin.Begin);
                continue;
            }
            var read = content.Read(buffer, offset, (int)Math.Min(count, left));
            if (read == 0) throw new IOException($"part content ended {left} bytes early");
            _position += read;
            return read;
        }
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var part in parts) part.Content.Dispose();
        }
        base.Dispose(disposing);
    }
}
