namespace Strata.Client.History;

/// <summary>One version or delete marker of a key, as ListObjectVersions reports it.</summary>
/// <param name="Key">The object key.</param>
/// <param name="VersionId">The version id ("null" for a version written while versioning was off or suspended).</param>
/// <param name="LastModified">When the version or marker was created (S3 keeps milliseconds).</param>
/// <param name="Size">Content length in bytes; 0 for a delete marker.</param>
/// <param name="ETag">The ETag with its quotes, or null for a delete marker.</param>
/// <param name="IsLatest">True for the key's current version or marker.</param>
/// <param name="IsDeleteMarker">True for a delete marker.</param>
public sealed record ObjectVersionInfo(string Key, string VersionId, DateTimeOffset LastModified, long Size, string? ETag, bool IsLatest, bool IsDeleteMarker)
{
    /// <summary>
    /// The time the version was made on the endpoint it was mirrored from (<c>strata mirror</c> keeps it as
    /// metadata), once <see cref="SourceTimes"/> has read it; null for a version made here.
    /// </summary>
    public DateTimeOffset? SourceLastModified { get; init; }

    /// <summary>When the version came into being: its source's time for a mirrored copy, else LastModified. Point-in-time answers use this.</summary>
    public DateTimeOffset Time => SourceLastModified ?? LastModified;
}
