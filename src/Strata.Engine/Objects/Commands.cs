using Strata.Core;

namespace Strata.Engine.Objects;

/// <summary>A PUT, copy or multipart completion: the version to push on top of <paramref name="Key"/>'s stack.</summary>
/// <param name="IfMatch">If-Match on the write: only when the current object has this ETag.</param>
/// <param name="IfNoneMatchAny">If-None-Match: * on the write: only when no current object exists.</param>
public sealed record PutObjectCommand(
    BucketName Bucket,
    ObjectKey Key,
    ObjectHeaders Headers,
    Checksum? Checksum,
    string? IfMatch = null,
    bool IfNoneMatchAny = false);

public sealed record PutObjectResult(VersionId VersionId, string ETag, DateTimeOffset LastModified, VersioningState Versioning);

/// <param name="MfaVerified">The request carried a valid x-amz-mfa code (needed for versions in MFA Delete buckets).</param>
public sealed record DeleteObjectCommand(BucketName Bucket, ObjectKey Key, VersionId? VersionId, bool MfaVerified = false);

/// <summary>
/// What a DELETE did: <paramref name="VersionId"/> is the marker created or the version removed
/// (null when an unversioned bucket had nothing to report).
/// </summary>
public sealed record DeleteObjectResult(VersionId? VersionId, bool IsDeleteMarker);
