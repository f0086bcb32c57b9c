using System.Diagnostics;
using System.Globalization;
using Strata.Bench.Client;
using Strata.Bench.Running;

namespace Strata.Bench.Workloads;

/// <summary>
/// ListObjectVersions and ListObjectsV2 page latency (pages of 1000) under a prefix holding a given number of
/// versions, VersionsPerKey versions per key. Each page starts at a random key marker, so the figure covers
/// seeking into the middle of a deep prefix and not only its first page.
/// </summary>
internal sealed class ListWorkload(BenchSettings settings, ResourceProbe probe, string runId, TextWriter progress)
{
    public const int PageSize = 1000;
    private static readonly byte[] TinyBody = new byte[16];

    public string Prefix(BenchTarget target, long depth) => $"list/{runId}/{target.Name}/d{depth.ToString(CultureInfo.InvariantCulture)}/";

    private static string Key(string prefix, long index) => prefix + "k" + index.ToString("D8", CultureInfo.InvariantCulture);

    private long KeysAt(long depth) => Math.Max(1, depth / Math.Max(1, settings.VersionsPerKey));

    /// <summary>The fast preload: many concurrent PUTs of 16-byte objects, round by round over the keys. Returns PUTs per second.</summary>
    public async Task<double> PreloadAsync(BenchTarget target, long depth)
    {
        var prefix = Prefix(target, depth);
        var keys = KeysAt(depth);
        var started = Stopwatch.GetTimestamp();
        await progress.WriteLineAsync($"  preloading {depth:N0} versions ({keys:N0} keys x {settings.VersionsPerKey}) under {prefix} ({target.Name})");
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.PreloadConcurrency };
        await Parallel.ForAsync(0L, keys * Math.Max(1, settings.VersionsPerKey), options,
            async (i, ct) => await target.Client.PutObjectAsync(target.Bucket, Key(prefix, i % keys), TinyBody, ct));
        var rate = depth / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await progress.WriteLineAsync($"  preload done: {rate:N0} PUT/s");
        return rate;
    }

    public Task<Measurement> VersionsAsync(BenchTarget target, long depth)
    {
        var prefix = Prefix(target, depth);
        var keys = KeysAt(depth);
        var perKey = Math.Max(1, settings.VersionsPerKey);
        // Start no later than the key that still leaves a full page of versions after it.
        var lastStart = Math.Max(0, keys - (PageSize + perKey - 1) / perKey - 1);
        return LoadLoop.RunAsync(settings.ListConcurrency, settings.Duration, settings.Warmup, async w =>
        {
            var start = w.Random.NextInt64(lastStart + 1);
            var query = start == 0
                ? SigV4Signer.CanonicalQuery(("versions", ""), ("prefix", prefix), ("max-keys", "1000"))
                : SigV4Signer.CanonicalQuery(("versions", ""), ("prefix", prefix), ("max-keys", "1000"), ("key-marker", Key(prefix, start)));
            var page = await target.Client.ListAsync(target.Bucket, query, CancellationToken.None);
            var remaining = (keys - (start == 0 ? 0 : start + 1)) * perKey;
            Check(target, page, Math.Min(PageSize, remaining));
            return page.Bytes;
        }, probe);
    }

    public Task<Measurement> ObjectsV2Async(BenchTarget target, long depth)
    {
        var prefix = Prefix(target, depth);
        var keys = KeysAt(depth);
        var lastStart = Math.Max(0, keys - PageSize - 1);
        return LoadLoop.RunAsync(settings.ListConcurrency, settings.Duration, settings.Warmup, async w =>
        {
            var start = w.Random.NextInt64(lastStart + 1);
            var query = start == 0
                ? SigV4Signer.CanonicalQuery(("list-type", "2"), ("prefix", prefix), ("max-keys", "1000"))
                : SigV4Signer.CanonicalQuery(("list-type", "2"), ("prefix", prefix), ("max-keys", "1000"), ("start-after", Key(prefix, start)));
            var page = await target.Client.ListAsync(target.Bucket, query, CancellationToken.None);
            Check(target, page, Math.Min(PageSize, keys - (start == 0 ? 0 : start + 1)));
            return page.Bytes;
        }, probe);
    }

    /// <summary>A page with the wrong number of entries is an error: a fast wrong listing is not a result.</summary>
    private static void Check(BenchTarget target, ListPage page, long expected)
    {
        if (target.IsNoop || page.Entries == expected) return;
        throw new BenchRequestException($"page held {page.Entries} entries, expected {expected}");
    }
}
