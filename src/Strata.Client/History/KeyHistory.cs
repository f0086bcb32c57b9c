namespace Strata.Client.History;

/// <summary>
/// Every version and delete marker of one key, newest first, in ListObjectVersions' order. That order, not
/// LastModified, decides which version was latest: two versions can share a millisecond.
/// </summary>
/// <param name="Key">The object key.</param>
/// <param name="Versions">The versions and markers, newest first; never empty.</param>
public sealed record KeyHistory(string Key, IReadOnlyList<ObjectVersionInfo> Versions)
{
    /// <summary>The key's current version or delete marker.</summary>
    public ObjectVersionInfo Latest => Versions[0];

    /// <summary>The current version, or null when the key is deleted (a delete marker is on top).</summary>
    public ObjectVersionInfo? Current => Latest.IsDeleteMarker ? null : Latest;

    /// <summary>The newest version that is not a delete marker: what an undelete brings back.</summary>
    public ObjectVersionInfo? NewestObject
    {
        get
        {
            foreach (var version in Versions)
            {
                if (!version.IsDeleteMarker) return version;
            }
            return null;
        }
    }

    /// <summary>
    /// The version or marker that was latest at <paramref name="at"/>: the first, newest first, whose
    /// <see cref="ObjectVersionInfo.Time"/> is ≤ at (LastModified, or the source's time of a mirrored copy).
    /// </summary>
    public ObjectVersionInfo? LatestAt(DateTimeOffset at)
    {
        foreach (var version in Versions)
        {
            if (version.Time <= at) return version;
        }
        return null;
    }

    /// <summary>The version a GET would have returned at <paramref name="at"/>; null if the key did not exist or was deleted then.</summary>
    public ObjectVersionInfo? ContentAt(DateTimeOffset at) => LatestAt(at) is { IsDeleteMarker: false } version ? version : null;

    /// <summary>
    /// True when two versions hold the same content: the same version id, or else the same ETag and size
    /// (a restored copy is a new version with the old content, so a second restore must see it as done).
    /// </summary>
    public static bool SameContent(ObjectVersionInfo a, ObjectVersionInfo b) =>
        a.VersionId == b.VersionId && a.Key == b.Key
        || a.ETag is not null && a.ETag == b.ETag && a.Size == b.Size;
}
