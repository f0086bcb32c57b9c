using Strata.Core;
using Strata.Engine.Objects;

namespace Strata.Engine.Multipart;

public sealed record UploadInfo(string UploadId, ObjectKey Key, DateTimeOffset Initiated, ObjectHeaders Headers, string? ChecksumAlgorithm);

public sealed record PartInfo(int PartNumber, long Size, string ETag, Checksum? Checksum, DateTimeOffset LastModified);

/// <summary>A part named in CompleteMultipartUpload.</summary>
public sealed record CompletedPart(int PartNumber, string ETag);

/// <summary>Where a part of a completed object lies: its byte range in the object.</summary>
public sealed record ObjectPart(int PartNumber, long Offset, long Size, string? BlobId, byte[]? Inline);

public sealed record CompleteMultipartResult(PutObjectResult Put, long Size, Checksum? Checksum);

public static class MultipartLimits
{
    public const int MaxPartNumber = 10_000;

    /// <summary>S3: every part but the last is at least 5 MiB.</summary>
    public const long MinPartSize = 5L * 1024 * 1024;

    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
}
