using Strata.Core;
using Strata.Core.Tagging;

namespace Strata.Engine.Objects;

/// <summary>One entry of a key's version stack: an object version or a delete marker.</summary>
public sealed record ObjectVersion(
    long Seq,
    ObjectKey Key,
    VersionId VersionId,
    bool IsDeleteMarker,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    ObjectHeaders Headers,
    Checksum? Checksum,
    string? BlobId,
    byte[]? Inline)
{
    /// <summary>Set in version listings: the newest entry of its key's stack.</summary>
    public bool IsLatest { get; init; }

    /// <summary>For a completed multipart upload, how many parts make up the content (in version_parts); 0 otherwise.</summary>
    public int PartsCount { get; init; }

    /// <summary>Its Object Lock retention and legal hold (none in listings, which do not read them).</summary>
    public Core.ObjectLock.ObjectLockState Lock { get; init; } = Core.ObjectLock.ObjectLockState.None;
    /// <summary>The version's tags (empty in listings, which do not read them).</summary>
    public TagSet Tags { get; init; } = TagSet.Empty;

    /// <summary>The body's BodyHash (versions.body_hash): null for a multipart object (its parts keep theirs), in listings, and for bodies written before schema 14 and not yet scrubbed.</summary>
    public byte[]? BodyHash { get; init; }

    /// <summary>Set in listings: the canonical id of the account that owns the version, when it is not the bucket owner (from versions.acl).</summary>
    public string? OwnerId { get; init; }
}

/// <summary>A verified x-amz-checksum-* value kept with the object: algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and base64 value.</summary>
public sealed record Checksum(string Algorithm, string Value)
{
    public const string Composite = "COMPOSITE";
    public const string FullObject = "FULL_OBJECT";

    /// <summary>S3's ChecksumType: a composite of a multipart object's parts ends "-N" (base64 has no '-'); any other value is of the full object.</summary>
    public string Type => Value.Contains('-', StringComparison.Ordinal) ? Composite : FullObject;

    /// <summary>The value without a composite's "-N" part count.</summary>
    public string Digest => Value.IndexOf('-', StringComparison.Ordinal) is var dash and >= 0 ? Value[..dash] : Value;

    public string Serialize() => Algorithm + ":" + Value;

    public static Checksum? Deserialize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var colon = text.IndexOf(':');
        return new Checksum(text[..colon], text[(colon + 1)..]);
    }
}

/// <summary>A bucket; <paramref name="Owner"/> is the owning account's 12-digit id, null for the server's own account.</summary>
public sealed record BucketInfo(long Id, BucketName Name, DateTimeOffset Created, string Region, VersioningState Versioning, MfaDeleteState MfaDelete,
    string? Owner = null);
