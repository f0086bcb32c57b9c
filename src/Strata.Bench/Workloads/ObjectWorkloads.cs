using System.Globalization;
using Strata.Bench.Running;

namespace Strata.Bench.Workloads;

/// <summary>
/// put, get, overwrite, mixed and large: the same code drives the endpoint and the no-op ceiling. Keys carry a
/// per-run id so repeated runs against one bucket never collide; bodies are slices of one random buffer.
/// </summary>
internal sealed class ObjectWorkloads(BenchSettings settings, ResourceProbe probe, byte[] payload, string runId, TextWriter progress)
{
    public Task<Measurement> PutAsync(BenchTarget target, long size, int concurrency)
    {
        var body = payload.AsMemory(0, checked((int)size));
        return LoadLoop.RunAsync(concurrency, settings.Duration, settings.Warmup,
            w => target.Client.PutObjectAsync(target.Bucket, w.Prefix + w.Sequence.ToString(CultureInfo.InvariantCulture), body, CancellationToken.None),
            probe, prepare: w => w.Prefix = $"put/{runId}/{target.Name}/{w.Id}/");
    }

    public async Task<Measurement> GetAsync(BenchTarget target, long size, int concurrency)
    {
        var keys = await EnsureReadSetAsync(target, size);
        return await LoadLoop.RunAsync(concurrency, settings.Duration, settings.Warmup,
            w => target.Client.GetObjectAsync(target.Bucket, keys[w.Random.Next(keys.Length)], size, CancellationToken.None), probe);
    }

    /// <summary>PUTs to a few keys over and over, so each key's version stack grows by about ops / keys.</summary>
    public Task<Measurement> OverwriteAsync(BenchTarget target, long size, int concurrency)
    {
        var body = payload.AsMemory(0, checked((int)size));
        var keys = new string[Math.Max(1, settings.OverwriteKeys)];
        for (var i = 0; i < keys.Length; i++) keys[i] = $"overwrite/{runId}/{target.Name}/k{i}";
        return LoadLoop.RunAsync(concurrency, settings.Duration, settings.Warmup,
            w => target.Client.PutObjectAsync(target.Bucket, keys[w.Random.Next(keys.Length)], body, CancellationToken.None), probe);
    }

    /// <summary>70% GET of the read set, 25% PUT of new keys, 5% DELETE (a delete marker) of a key this worker wrote.</summary>
    public async Task<Measurement> MixedAsync(BenchTarget target, long size, int concurrency)
    {
        var keys = await EnsureReadSetAsync(target, size);
        var body = payload.AsMemory(0, checked((int)size));
        return await LoadLoop.RunAsync(concurrency, settings.Duration, settings.Warmup, w => MixedStepAsync(target, w, keys, body, size), probe);
    }

    private async ValueTask<long> MixedStepAsync(BenchTarget target, Worker w, string[] keys, ReadOnlyMemory<byte> body, long size)
    {
        var dice = w.Random.Next(100);
        if (dice < 70) return await target.Client.GetObjectAsync(target.Bucket, keys[w.Random.Next(keys.Length)], size, CancellationToken.None);
        if (dice >= 95 && w.Keys.TryDequeue(out var victim)) return await target.Client.DeleteObjectAsync(target.Bucket, victim, CancellationToken.None);
        var key = $"mixed/{runId}/{target.Name}/{w.Id}/{w.Sequence}";
        var moved = await target.Client.PutObjectAsync(target.Bucket, key, body, CancellationToken.None);
        w.Keys.Enqueue(key);
        return moved;
    }

    /// <summary>
    /// Large PUTs, then large GETs of what was written. Objects of at least the multipart threshold go as multipart
    /// uploads of PartSize parts, PartConcurrency at a time, as real clients send them.
    /// </summary>
    public async Task<(Measurement Put, Measurement Get)> LargeAsync(BenchTarget target, long size, int concurrency)
    {
        var body = payload.AsMemory(0, checked((int)size));
        var written = new List<string>();
        var put = await LoadLoop.RunAsync(concurrency, settings.Duration, settings.Warmup, async w =>
        {
            var key = $"large/{runId}/{target.Name}/{w.Id}/{w.Sequence}";
            var moved = await PutLargeAsync(target, key, body);
            lock (written) written.Add(key);
            return moved;
        }, probe);
        if (written.Count == 0)
        {
            var key = $"large/{runId}/{target.Name}/seed";
            await PutLargeAsync(target, key, body);
            written.Add(key);
        }
        var keys = written.ToArray();
        if (target.Noop is { } noop) noop.ObjectSize = size;
        var get = await LoadLoop.RunAsync(concurrency, settings.Duration, settings.Warmup,
            w => target.Client.GetObjectAsync(target.Bucket, keys[w.Random.Next(keys.Length)], size, CancellationToken.None), probe);
        return (put, get);
    }

    private ValueTask<long> PutLargeAsync(BenchTarget target, string key, ReadOnlyMemory<byte> body) =>
        body.Length >= settings.MultipartThreshold
            ? target.Client.PutObjectMultipartAsync(target.Bucket, key, body, settings.PartSize, settings.PartConcurrency, CancellationToken.None)
            : target.Client.PutObjectAsync(target.Bucket, key, body, CancellationToken.None);

    /// <summary>
    /// Unmeasured load before the first small workload: new-key PUTs, overwrites and GETs, each for
    /// <paramref name="each"/>. A fresh server compiles its hot paths (tier-0 JIT, then the optimized re-JIT) during its
    /// first seconds of load, and a 1 s warm-up does not cover that on a busy 2-core machine: whichever workload ran first
    /// was charged for it (a 4 KiB PUT of a new key cost 2.7x an overwrite when put ran first, and overwrite 1.4x put
    /// when overwrite did).
    /// </summary>
    public async Task WarmUpServerAsync(BenchTarget target, long size, int concurrency, TimeSpan each)
    {
        var body = payload.AsMemory(0, checked((int)size));
        await LoadLoop.RunAsync(concurrency, each, TimeSpan.Zero,
            w => target.Client.PutObjectAsync(target.Bucket, w.Prefix + w.Sequence.ToString(CultureInfo.InvariantCulture), body, CancellationToken.None),
            probe, prepare: w => w.Prefix = $"put/{runId}/{target.Name}/warm{w.Id}/");
        var key = $"overwrite/{runId}/{target.Name}/warm";
        await LoadLoop.RunAsync(concurrency, each, TimeSpan.Zero, w => target.Client.PutObjectAsync(target.Bucket, key, body, CancellationToken.None), probe);
        var keys = await EnsureReadSetAsync(target, size);
        await LoadLoop.RunAsync(concurrency, each, TimeSpan.Zero,
            w => target.Client.GetObjectAsync(target.Bucket, keys[w.Random.Next(keys.Length)], size, CancellationToken.None), probe);
    }

    /// <summary>Writes the objects get and mixed read, once per target and size; a failure here aborts the workload.</summary>
    private async Task<string[]> EnsureReadSetAsync(BenchTarget target, long size)
    {
        if (target.Noop is { } noop) noop.ObjectSize = size;
        if (target.ReadKeys is { } existing && target.ReadSize == size) return existing;
        var keys = new string[Math.Max(1, settings.Objects)];
        for (var i = 0; i < keys.Length; i++) keys[i] = $"read/{runId}/{target.Name}/{size}/o{i}";
        var body = payload.AsMemory(0, checked((int)size));
        await progress.WriteLineAsync($"  writing {keys.Length} objects of {Units.ByteSize.Format(size)} to read ({target.Name})");
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = settings.PreloadConcurrency },
            async (key, ct) => await target.Client.PutObjectAsync(target.Bucket, key, body, ct));
        target.ReadKeys = keys;
        target.ReadSize = size;
        return keys;
    }
}
