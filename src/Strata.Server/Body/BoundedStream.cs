namespace Strata.Server.Body;

/// <summary>Reads at most <paramref name="limit"/> bytes of a stream (a copy-source range), then ends.</summary>
internal sealed class BoundedStream(Stream inner, long limit) : ForwardOnlyStream
{
    private long _left = limit;

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken)
    {
        if (_left == 0) return 0;
        var read = await ReadFromAsync(inner, destination[..(int)Math.Min(destination.Length, _left)], useAsync, cancellationToken);
        _left -= read;
        return read;
    }
}
