using Strata.Core;
using Strata.Engine.Objects;

namespace Strata.Engine.Multipart;

/// <param name="ChecksumType">COMPOSITE or FULL_OBJECT when the upload has a checksum algorithm; null otherwise.</param>
/// <param name="Acl">The upload's stored ACL (uploads.acl), whose first line is its owner; null: private, owned by the bucket owner.</param>
public sealed record UploadInfo(string UploadId, ObjectKey Key, DateTimeOffset Initiated, ObjectHeaders Headers, string? ChecksumAlgorithm, string? ChecksumType, string? Acl = null);

public sealed record PartInfo(int PartNumber, long Size, string ETag, Checksum? Checksum, DateTimeOffset LastModified);

/// <summary>A part named in CompleteMultipartUpload, with the checksum the client lists for it, if any.</summary>
public sealed record CompletedPart(int PartNumber, string ETag, Checksum? Checksum = null);

/// <summary>A part's checksum and size, as the whole object's checksum is built from them.</summary>
public sealed record PartChecksum(string Value, long Size);

/// <summary>
/// How CompleteMultipartUpload checks and builds the object's checksum: <paramref name="Compose"/> makes it from
/// the parts' (algorithm, type, parts; null when it cannot), <paramref name="Expected"/> is the client's
/// x-amz-checksum-* of the whole object and <paramref name="ExpectedType"/> its x-amz-checksum-type, if sent.
/// </summary>
public sealed record ChecksumRule(Func<string, string, IReadOnlyList<PartChecksum>, string?> Compose, Checksum? Expected, string? ExpectedType = null);

/// <summary>Where a part of a completed object lies: its byte range in the object, and its checksum if it had one.</summary>
public sealed record ObjectPart(int PartNumber, long Offset, long Size, string? BlobId, byte[]? Inline, Checksum? Checksum = null)
{
    /// <summary>The part's BodyHash (version_parts.body_hash); null before its first scrub for parts written before schema 14.</summary>
    public byte[]? BodyHash { get; init; }
}

/// <param name="Tags">The new version's tags (the upload's), for the answer's x-amz-expiration.</param>
public sealed record CompleteMultipartResult(PutObjectResult Put, long Size, Checksum? Checksum, Core.Tagging.TagSet Tags);

public static class MultipartLimits
{
    public const int MaxPartNumber = 10_000;

    /// <summary>S3: every part but the last is at least 5 MiB.</summary>
    public const long MinPartSize = 5L * 1024 * 1024;

    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
}
