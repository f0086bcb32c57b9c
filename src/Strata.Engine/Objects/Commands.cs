using Strata.Core;
using Strata.Core.Tagging;

namespace Strata.Engine.Objects;

/// <summary>A PUT, copy or multipart completion: the version to push on top of <paramref name="Key"/>'s stack.</summary>
/// <param name="Conditions">If-Match / If-None-Match on the write, checked inside its commit.</param>
/// <param name="Lock">The x-amz-object-lock-* headers' retention and legal hold; without them the bucket's default retention applies.</param>
public sealed record PutObjectCommand(
    BucketName Bucket,
    ObjectKey Key,
    ObjectHeaders Headers,
    Checksum? Checksum,
    WriteConditions? Conditions = null,
    Core.ObjectLock.ObjectLockState? Lock = null)
{
    /// <summary>The new version's tags (x-amz-tagging, a copy's source tags, an upload's).</summary>
    public TagSet Tags { get; init; } = TagSet.Empty;
    /// <summary>The new version's ACL in StoredAcl form; null is private, owned by the bucket owner.</summary>
    public string? Acl { get; init; }
    /// <summary>Written by another server's replicator (x-strata-replica from an authenticated caller): marked REPLICA, never queued for replication.</summary>
    public bool IsReplica { get; init; }
}

/// <summary>
/// S3's conditional writes (PutObject, CopyObject, CompleteMultipartUpload): If-Match, only when the current object
/// has this ETag; If-None-Match: *, only when the key has no current object.
/// </summary>
public sealed record WriteConditions(string? IfMatch, bool IfNoneMatchAny);

public sealed record PutObjectResult(VersionId VersionId, string ETag, DateTimeOffset LastModified, VersioningState Versioning);

/// <param name="MfaVerified">The request carried a valid x-amz-mfa code (needed for versions in MFA Delete buckets).</param>
/// <param name="BypassGovernance">x-amz-bypass-governance-retention: true, from a caller allowed s3:BypassGovernanceRetention.</param>
public sealed record DeleteObjectCommand(BucketName Bucket, ObjectKey Key, VersionId? VersionId, bool MfaVerified = false, bool BypassGovernance = false)
{
    /// <summary>A delete marker sent by another server's replicator: marked REPLICA, never queued for replication.</summary>
    public bool IsReplica { get; init; }

    /// <summary>A marker added by a lifecycle expiration: S3 does not replicate those.</summary>
    public bool FromLifecycle { get; init; }

    /// <summary>
    /// If-Match of a conditional delete (an ETag list or "*"), evaluated against the key's current version inside the
    /// commit: 404 NoSuchKey when there is no current object, 412 PreconditionFailed when its ETag differs.
    /// </summary>
    public string? IfMatch { get; init; }
}

/// <summary>
/// What a DELETE did: <paramref name="VersionId"/> is the marker created or the version removed
/// (null when an unversioned bucket had nothing to report).
/// </summary>
public sealed record DeleteObjectResult(VersionId? VersionId, bool IsDeleteMarker);
