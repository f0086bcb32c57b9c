using System.Collections.Concurrent;
using Strata.Core;
using Strata.Engine;

namespace Strata.Server.Hosting;

/// <summary>
/// One kind of a bucket's configuration document, parsed and kept in memory for the hot paths that consult it on every
/// request. The operations that change it (its Put and Delete, DeleteBucket) call <see cref="Forget"/> once their write is
/// committed; a lookup that overlapped a <see cref="Forget"/> is not kept, so no request after the change's answer sees
/// the old value. A bucket that does not exist is not kept either: it may be created under that name.
/// </summary>
/// <param name="kind">The document's kind (<see cref="Engine.Buckets.BucketConfigKind"/>).</param>
/// <param name="absent">The value of a bucket without the document, or of a bucket that does not exist.</param>
internal class BucketConfigCache<T>(StorageEngine engine, string kind, Func<string, T> parse, T absent)
{
    private const int MaxCached = 4096;
    private readonly ConcurrentDictionary<string, T> _buckets = new(StringComparer.Ordinal);
    private long _generation;

    public T Of(BucketName bucket)
    {
        try
        {
            return Find(bucket);
        }
        catch (StrataException missing) when (missing.Error == StrataError.NoSuchBucket)
        {
            return absent;
        }
    }

    /// <summary>As <see cref="Of"/>, but a bucket that does not exist throws NoSuchBucket, for answers that tell the two apart.</summary>
    public T Find(BucketName bucket)
    {
        if (_buckets.TryGetValue(bucket.Value, out var known)) return known;
        var generation = Interlocked.Read(ref _generation);
        var value = engine.GetBucketConfig(bucket, kind) is { } document ? parse(document) : absent;
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_buckets.Count >= MaxCached) _buckets.Clear();
            _buckets[bucket.Value] = value;
        }
        return value;
    }

    public void Forget(BucketName bucket)
    {
        Interlocked.Increment(ref _generation);
        _buckets.TryRemove(bucket.Value, out _);
    }
}
