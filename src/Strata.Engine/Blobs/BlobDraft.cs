using System.Buffers;
using System.Security.Cryptography;
using Strata.Core;

namespace Strata.Engine.Blobs;

/// <summary>
/// An object's bytes on their way in. Small bodies stay in a pooled buffer and are stored inline in the
/// metadata row (one WAL fsync for a whole batch of them); larger ones spill to a blob file that is
/// fsynced, with its directory, before the metadata commit that makes it visible. Disposing a draft
/// that was not committed removes its file.
/// </summary>
internal sealed class BlobDraft : IAsyncDisposable
{
    private readonly BlobStore _store;
    private readonly int _inlineThreshold;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly BodyHash _bodyHash = new();
    private byte[]? _buffer;
    private int _buffered;
    private FileStream? _file;
    private string? _blobId;
    private bool _kept;

    public BlobDraft(BlobStore store, int inlineThreshold)
    {
        _store = store;
        _inlineThreshold = inlineThreshold;
        _buffer = inlineThreshold > 0 ? ArrayPool<byte>.Shared.Rent(inlineThreshold) : null;
    }

    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _md5.AppendData(data.Span);
        _bodyHash.Append(data.Span);
        Length += data.Length;
        if (_file is null && _buffer is not null && _buffered + data.Length <= _inlineThreshold)
        {
            data.Span.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += data.Length;
            return;
        }
        if (_file is null) await SpillAsync(cancellationToken);
        await _file!.WriteAsync(data, cancellationToken);
    }

    /// <summary>Copies a whole stream in, in pooled chunks.</summary>
    /// <param name="pace">
    /// The slowest the source may be, judged per window: a window that brings fewer bytes (a stall, or a
    /// trickle after a burst) gives the body up with S3's RequestTimeout. Kestrel's own minimum data rate is an
    /// average since the body started, so a burst followed by a trickle would hold the connection and this
    /// draft for hours.
    /// </param>
    public async Task WriteFromAsync(Stream source, CancellationToken cancellationToken, BodyPace? pace = null)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(128 * 1024);
        using var window = pace is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var windowStart = System.Diagnostics.Stopwatch.GetTimestamp();
        long windowBytes = 0;
        window?.CancelAfter(pace!.Window);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(chunk, window?.Token ?? cancellationToken);
                }
                catch (OperationCanceledException) when (window is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
                {
                    throw S3Fail.Exception(StrataError.RequestTimeout); // a whole window passed without enough bytes
                }
                if (read == 0) break;
                await WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                if (pace is null) continue;
                windowBytes += read;
                if (windowBytes >= pace.MinBytes)
                {
                    // This window brought enough: the next one starts now.
                    windowStart = System.Diagnostics.Stopwatch.GetTimestamp();
                    windowBytes = 0;
                    window!.CancelAfter(pace.Window);
                }
                else if (System.Diagnostics.Stopwatch.GetElapsedTime(windowStart) >= pace.Window)
                {
                    throw S3Fail.Exception(StrataError.RequestTimeout);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private async ValueTask SpillAsync(CancellationToken cancellationToken)
    {
        _blobId = BlobStore.NewId();
        var path = _store.PathOf(_blobId);
        _store.EnsureShardDirectory(path);
        _file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            Options = FileOptions.Asynchronous,
        });
        if (_buffered > 0) await _file.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken);
        _buffered = 0;
    }

    /// <summary>Makes the bytes durable and returns what the metadata row must record.</summary>
    public async Task<BlobContent> SealAsync(CancellationToken cancellationToken)
    {
        var md5 = _md5.GetHashAndReset();
        var bodyHash = _bodyHash.GetHashAndReset();
        if (_file is null)
        {
            var inline = _buffered == 0 ? null : _buffer.AsSpan(0, _buffered).ToArray();
            return new BlobContent(null, inline, Length, md5) { BodyHash = bodyHash };
        }
        await _file.FlushAsync(cancellationToken);
        var fsyncStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        _file.Flush(flushToDisk: true);
        Diagnostics.EngineMetrics.Fsynced("file", fsyncStarted);
        await _file.DisposeAsync();
        _file = null;
        await _store.FlushDirectoryOfAsync(_store.PathOf(_blobId!));
        _store.Figures.BlobSealed(Length);
        return new BlobContent(_blobId, null, Length, md5) { BodyHash = bodyHash };
    }

    /// <summary>Called once the metadata that references the file is committed.</summary>
    public void Keep() => _kept = true;

    public async ValueTask DisposeAsync()
    {
        if (_file is not null) await _file.DisposeAsync();
        if (!_kept && _blobId is not null) _store.Delete(_blobId, @sealed: _file is null); // _file is nulled once sealed
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _md5.Dispose();
    }
}

/// <summary>How slow a request body may be: at least <paramref name="MinBytes"/> in every <paramref name="Window"/>.</summary>
internal sealed record BodyPace(TimeSpan Window, long MinBytes);

/// <summary>Where a version's bytes live: a blob file, inline in its row, or nowhere (empty).</summary>
internal sealed record BlobContent(string? BlobId, byte[]? Inline, long Length, byte[] Md5)
{
    /// <summary>The body's <see cref="BodyHash"/>, kept in its row for scrubbing and GET verification.</summary>
    public byte[]? BodyHash { get; init; }
}
