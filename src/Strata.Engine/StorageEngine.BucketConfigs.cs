using Strata.Core;
using Strata.Engine.Buckets;

namespace Strata.Engine;

/// <summary>Bucket configuration documents, one per kind (<see cref="BucketConfigKind"/>); the front end parses and validates them.</summary>
public sealed partial class StorageEngine
{
    /// <summary>The bucket's document of <paramref name="kind"/>, or null when it has none; throws NoSuchBucket.</summary>
    public string? GetBucketConfig(BucketName bucket, string kind)
    {
        using var session = Read();
        return BucketConfigs.Get(session, bucket, kind);
    }

    /// <summary>Sets the bucket's document of <paramref name="kind"/>, replacing any; throws NoSuchBucket.</summary>
    public Task PutBucketConfigAsync(BucketName bucket, string kind, string document) =>
        _committer.WriteAsync(tx => BucketConfigs.Put(tx, bucket, kind, document));

    /// <summary>Removes the bucket's document of <paramref name="kind"/>, if any; throws NoSuchBucket.</summary>
    public Task DeleteBucketConfigAsync(BucketName bucket, string kind) =>
        _committer.WriteAsync(tx => BucketConfigs.Put(tx, bucket, kind, null));
}
