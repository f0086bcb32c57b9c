using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// A body of any length made on the fly, so a 2 GiB upload holds 1 MiB in the test process: a random 1 MiB
/// pattern (from <paramref name="seed"/>) repeated, with each MiB's index and the seed stamped over its first
/// 16 bytes, so a block served twice, out of order or from another body changes the hash. Seekable, because
/// the SDK rewinds a body it retries or signs.
/// </summary>
internal sealed class GeneratedStream(int seed, long length) : Stream
{
    private const int BlockSize = 1024 * 1024;
    private readonly byte[] _pattern = Pattern(seed);
    private long _position;

    /// <summary>The furthest any reader got: how much of the body has been handed to the client so far.</summary>
    public long HighestPosition { get; private set; }

    /// <summary>Bytes read in all, rewinds included (a client that hashes the body first reads it twice).</summary>
    public long TotalRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>The SHA-256 of the whole body, by generating it once more.</summary>
    public static string Sha256(int seed, long length)
    {
        using var stream = new GeneratedStream(seed, length);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        if (count <= 0) return 0;
        var done = 0;
        Span<byte> stamp = stackalloc byte[16];
        while (done < count)
        {
            var block = (_position + done) / BlockSize;
            var inBlock = (int)((_position + done) % BlockSize);
            var take = Math.Min(count - done, BlockSize - inBlock);
            _pattern.AsSpan(inBlock, take).CopyTo(buffer.Slice(done, take));
            if (inBlock < 16)
            {
                BinaryPrimitives.WriteInt64LittleEndian(stamp, block);
                BinaryPrimitives.WriteInt64LittleEndian(stamp[8..], seed);
                var stamped = Math.Min(16 - inBlock, take);
                stamp.Slice(inBlock, stamped).CopyTo(buffer.Slice(done, stamped));
            }
            done += take;
        }
        _position += count;
        TotalRead += count;
        HighestPosition = Math.Max(HighestPosition, _position);
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static byte[] Pattern(int seed)
    {
        var pattern = new byte[BlockSize];
        new Random(seed).NextBytes(pattern);
        return pattern;
    }
}
