using Strata.Core;
using Strata.Core.Tagging;
using Strata.Engine.Buckets;
using Strata.Engine.Objects;

namespace Strata.Engine;

/// <summary>Object tags, per version (bucket tags are a bucket configuration document, kind "tagging").</summary>
public sealed partial class StorageEngine
{
    /// <summary>
    /// Replaces the tags of the key's latest version or of <paramref name="versionId"/> (an empty set removes them);
    /// returns the version's id. Throws NoSuchBucket, NoSuchKey, NoSuchVersion, MethodNotAllowed (a delete marker by id).
    /// </summary>
    public Task<VersionId> PutObjectTagsAsync(BucketName bucket, ObjectKey key, VersionId? versionId, TagSet tags) =>
        _committer.WriteAsync(tx => ObjectTagging.Set(tx, bucket, key, versionId, tags));

    /// <summary>
    /// The tags of the key's latest version or of <paramref name="versionId"/>, read alone; null when the bucket, key or
    /// version does not exist or is a delete marker. For policy conditions and lifecycle filters, which need nothing else.
    /// </summary>
    public TagSet? FindObjectTags(BucketName bucket, ObjectKey key, VersionId? versionId)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket);
        return info is null ? null : ObjectTagging.Find(session, info.Id, key, versionId);
    }
}
