namespace Strata.Client.Mirror;

/// <summary>What <c>strata mirror</c> copies and how it moves large bodies.</summary>
public sealed record MirrorOptions
{
    /// <summary>Recreate every version and delete marker, oldest first (needs a versioned destination); else the current version of each key.</summary>
    public bool WithHistory { get; init; }

    /// <summary>True when source and destination are the same endpoint, so overlapping prefixes of one bucket are refused.</summary>
    public bool SameEndpoint { get; init; }

    /// <summary>The destination's endpoint, to explain a failure to reach it; null for Amazon S3.</summary>
    public Uri? DestinationEndpoint { get; init; }

    /// <summary>The CA bundle trusted for the destination, to explain a certificate it did not trust.</summary>
    public string? DestinationCaBundle { get; init; }

    /// <summary>
    /// Send each body from a temporary file with a plain signed payload instead of the SDK's aws-chunked
    /// streaming upload, for destinations that do not decode aws-chunked bodies (s3rver stores the framing as content).
    /// </summary>
    public bool PlainUploads { get; init; }

    /// <summary>Bodies larger than this are sent as a multipart upload, one ranged GET per part.</summary>
    public long MultipartThreshold { get; init; } = 64L * 1024 * 1024;

    /// <summary>The part size of a multipart upload (S3 allows 5 MiB to 5 GiB, 10,000 parts at most).</summary>
    public long PartSize { get; init; } = 16L * 1024 * 1024;
}
