namespace Strata.Server.Body;

/// <summary>
/// Reads through another stream and computes an x-amz-checksum-* of what passed: a server-side copy (CopyObject,
/// UploadPartCopy) gets the checksum S3 computes for it while its bytes stream into the draft, without a second read.
/// </summary>
internal sealed class ChecksummingStream(Stream inner, ChecksumAlgorithm algorithm) : ForwardOnlyStream
{
    private readonly PayloadChecksum _checksum = new(algorithm);

    public ChecksumAlgorithm Algorithm => algorithm;

    /// <summary>The checksum of the bytes read so far, base64 as S3 sends it.</summary>
    public string ComputeBase64() => _checksum.ComputeBase64();

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken)
    {
        var read = await ReadFromAsync(inner, destination, useAsync, cancellationToken);
        _checksum.Append(destination.Span[..read]);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _checksum.Dispose();
        base.Dispose(disposing);
    }
}
