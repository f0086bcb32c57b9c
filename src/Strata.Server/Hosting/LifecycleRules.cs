using System.Collections.Concurrent;
using Strata.Core;
using Strata.Core.Lifecycle;
using Strata.Engine;
using Strata.Engine.Buckets;
using Strata.Server.Xml;

namespace Strata.Server.Hosting;

/// <summary>
/// Each bucket's lifecycle configuration, parsed, for the x-amz-expiration header of object reads and writes: kept in
/// memory, since those are hot paths and configurations change rarely. The operations that change one (Put and
/// DeleteBucketLifecycle, CreateBucket and DeleteBucket) call <see cref="Forget"/> once their write is committed.
/// A lookup that overlapped a <see cref="Forget"/> is not kept, so no request after the change's answer sees the old one.
/// </summary>
internal sealed class LifecycleRules(StorageEngine engine)
{
    private const int MaxCached = 4096;
    private readonly ConcurrentDictionary<string, LifecycleConfiguration?> _buckets = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>The bucket's configuration, or null when it has none or does not exist.</summary>
    public LifecycleConfiguration? Of(BucketName bucket)
    {
        if (_buckets.TryGetValue(bucket.Value, out var known)) return known;
        var generation = Interlocked.Read(ref _generation);
        LifecycleConfiguration? configuration;
        try
        {
            configuration = engine.GetBucketConfig(bucket, BucketConfigKind.Lifecycle) is { } document ? LifecycleConfigurationReader.Read(document) : null;
        }
        catch (StrataException missing) when (missing.Error == StrataError.NoSuchBucket)
        {
            return null; // not kept: a bucket may be created under this name
        }
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_buckets.Count >= MaxCached) _buckets.Clear();
            _buckets[bucket.Value] = configuration;
        }
        return configuration;
    }

    public void Forget(BucketName bucket)
    {
        Interlocked.Increment(ref _generation);
        _buckets.TryRemove(bucket.Value, out _);
    }
}
