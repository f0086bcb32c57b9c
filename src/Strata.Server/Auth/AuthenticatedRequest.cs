namespace Strata.Server.Auth;

/// <summary>A request whose SigV4 signature was verified, with its payload still unread.</summary>
internal sealed class AuthenticatedRequest
{
    /// <summary>The access key that signed the request; empty for an anonymous request.</summary>
    public required string AccessKeyId { get; init; }

    public bool IsAnonymous => AccessKeyId.Length == 0;

    /// <summary>
    /// The request payload, decoded from aws-chunked where it was sent so, and verified as it is read:
    /// reaching its end throws <see cref="Strata.Core.StrataException"/> on a SHA-256 mismatch
    /// (XAmzContentSHA256Mismatch), a bad chunk signature (SignatureDoesNotMatch), a checksum mismatch
    /// (BadDigest) or a body shorter than announced (IncompleteBody).
    /// </summary>
    public required Stream Payload { get; init; }

    /// <summary>How many bytes <see cref="Payload"/> yields, when the request says (Content-Length or x-amz-decoded-content-length).</summary>
    public long? PayloadLength { get; init; }

    /// <summary>The x-amz-checksum-* the request carried (header or trailer), verified once the payload was read to its end.</summary>
    public Func<VerifiedChecksum?> Checksum { get; init; } = static () => null;
}

/// <summary>An x-amz-checksum-* value: algorithm in S3's upper-case spelling (CRC32, CRC32C, SHA1, SHA256) and its base64 value.</summary>
internal sealed record VerifiedChecksum(string Algorithm, string Value);
