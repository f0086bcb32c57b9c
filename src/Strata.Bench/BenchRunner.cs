using System.Diagnostics;
using Strata.Bench.Baselines;
using Strata.Bench.Client;
using Strata.Bench.Reporting;
using Strata.Bench.Running;
using Strata.Bench.Workloads;

namespace Strata.Bench;

/// <summary>
/// Runs the chosen workloads in order and, with --baseline, each one's limits right beside it (no-op HTTP
/// ceiling, fsync'd disk writes), so a busy moment on a shared machine hits the figure and its limit alike.
/// </summary>
internal sealed class BenchRunner(BenchSettings settings, TextWriter progress)
{
    private readonly string _runId = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..4];

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var memorySource = settings.ServerInProcess ? "in-process (client, no-op ceiling and server share this process)"
            : settings.ServerPid is { } pid ? $"pid {pid}" : "none (give --server-pid for a local server)";
        var probe = new ResourceProbe(settings.ServerInProcess ? null : settings.ServerPid,
            settings.ServerInProcess || settings.ServerPid is not null ? memorySource : "none");
        var payload = new byte[Math.Max(Math.Max(settings.Size, settings.LargeSize), 128 * 1024)];
        Random.Shared.NextBytes(payload);

        var connections = Math.Max(Math.Max(settings.Concurrency, settings.LargeConcurrency), settings.PreloadConcurrency);
        using var client = new S3BenchClient(settings.Endpoint, settings.AccessKey, settings.SecretKey, settings.Region, connections, settings.CaBundle);
        var bucket = settings.Bucket ?? "strata-bench-" + _runId.ToLowerInvariant();
        var existed = await client.BucketExistsAsync(bucket, cancellationToken);
        await progress.WriteLineAsync($"strata bench: {settings.Endpoint} bucket {bucket} ({(existed ? "existing" : "new")}, versioning Enabled), run {_runId}");
        await client.CreateVersionedBucketAsync(bucket, existed, cancellationToken);
        var notes = new List<string>();
        var strata = new BenchTarget("strata", client, bucket, null);

        NoopHttpServer? noop = null;
        S3BenchClient? noopClient = null;
        DiskBaseline? disk = null;
        if (settings.Baseline)
        {
            noop = await NoopHttpServer.StartAsync(payload, cancellationToken);
            noopClient = new S3BenchClient(noop.Endpoint, settings.AccessKey, settings.SecretKey, settings.Region, connections);
            disk = new DiskBaseline(settings, probe, payload);
            await progress.WriteLineAsync($"baselines: no-op Kestrel at {noop.Endpoint}, fsync'd files in {disk.Directory}");
        }
        var ceiling = noop is null ? null : new BenchTarget("noop", noopClient!, bucket, noop);

        try
        {
            var objects = new ObjectWorkloads(settings, probe, payload, _runId, progress);
            var list = new ListWorkload(settings, probe, _runId, progress);
            var reports = new List<WorkloadReport>();
            if (settings.Workloads.Any(w => w is "put" or "get" or "overwrite" or "mixed"))
            {
                var each = settings.Warmup * 2; // 2 s each at the default 1 s warm-up; short test runs stay short
                await progress.WriteLineAsync($"warming the server up (unmeasured): new-key PUTs, overwrites and GETs, {Units.DurationText.Format(each)} each");
                await objects.WarmUpServerAsync(strata, settings.Size, settings.Concurrency, each);
            }
            foreach (var workload in settings.Workloads)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await progress.WriteLineAsync($"{workload}:");
                try
                {
                    reports.AddRange(await RunWorkloadAsync(workload, strata, ceiling, disk, objects, list));
                }
                catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var reason = LoadLoop.Describe(failure);
                    await progress.WriteLineAsync($"  {workload} failed: {reason}");
                    reports.Add(new WorkloadReport { Workload = workload, Failure = reason });
                }
            }
            notes.Add(await CleanUpAsync(client, bucket, existed));
            return new BenchReport
            {
                StartedAt = startedAt,
                Endpoint = settings.Endpoint.ToString(),
                MemorySource = memorySource,
                Settings = settings,
                Workloads = reports,
                Signer = MeasureSigner(settings),
                DiskDirectory = disk?.Directory,
                Notes =
                [
                    .. LargeNote(),
                    "MB/s is 10^6 bytes per second. Latency is per request, from send to the last body byte.",
                    settings.ServerInProcess
                        ? "CPU and allocation per op are the whole process: client, no-op ceiling and in-process server together."
                        : "CPU and allocation per op are the bench client's own (the server is another process).",
                    .. notes,
                ],
            };
        }
        catch when (!settings.Keep)
        {
            // Interrupted or failed: still take away what the run wrote, and say so.
            await progress.WriteLineAsync(await CleanUpAsync(client, bucket, existed));
            throw;
        }
        finally
        {
            disk?.Dispose();
            noopClient?.Dispose();
            if (noop is not null) await noop.DisposeAsync();
        }
    }

    /// <summary>How large uploads went, when large ran: a note about a workload that did not run would only mislead.</summary>
    private string[] LargeNote() =>
        !settings.Workloads.Contains("large") ? []
        : settings.LargeSize >= settings.MultipartThreshold
            ? [$"large: multipart uploads of {Units.ByteSize.Format(settings.PartSize)} parts, {settings.PartConcurrency} parts of an object in flight at once; GETs are whole-object."]
            : ["large: single PUTs (the object is under the multipart threshold)."];

    /// <summary>
    /// Removes the run's objects and, when the run created it, the bucket; or with --keep leaves them. Returns the
    /// sentence that says which, for the report and stderr. An in-process server's data goes with its directory.
    /// </summary>
    private async Task<string> CleanUpAsync(S3BenchClient client, string bucket, bool existed)
    {
        var keys = $"keys under */{_runId}/";
        if (settings.Keep)
        {
            if (settings.ServerInProcess) return $"bucket {bucket} stays in the in-process server's data directory with this run's objects (--keep).";
            return existed
                ? $"bucket {bucket} keeps this run's objects ({keys}): --keep."
                : $"bucket {bucket} was left behind with this run's objects (--keep); remove it with its versions when done.";
        }
        if (settings.ServerInProcess) return $"bucket {bucket} goes with the in-process server's data directory.";
        await progress.WriteLineAsync($"removing this run's objects from {bucket} (--keep leaves them)");
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var removed = await BenchCleanup.RemoveRunAsync(client, bucket, _runId, removeBucket: !existed, limit.Token);
            return existed
                ? $"removed the {removed:N0} versions this run wrote to {bucket} ({keys}); the bucket existed before and stays."
                : $"removed bucket {bucket} and the {removed:N0} versions this run wrote to it.";
        }
        catch (Exception failure) when (failure is BenchRequestException or HttpRequestException or OperationCanceledException)
        {
            return $"could not remove this run's objects ({LoadLoop.Describe(failure)}): bucket {bucket} was left behind with {keys}.";
        }
    }

    private async Task<List<WorkloadReport>> RunWorkloadAsync(string workload, BenchTarget strata, BenchTarget? ceiling, DiskBaseline? disk,
        ObjectWorkloads objects, ListWorkload list)
    {
        var size = settings.Size;
        var c = settings.Concurrency;
        switch (workload)
        {
            case "put":
                return [await SmallAsync("put", size, c, t => objects.PutAsync(t, size, c), strata, ceiling, disk)];
            case "overwrite":
                return [await SmallAsync("overwrite", size, c, t => objects.OverwriteAsync(t, size, c), strata, ceiling, disk)];
            case "get":
                return [await SmallAsync("get", size, c, t => objects.GetAsync(t, size, c), strata, ceiling, null)];
            case "mixed":
                return [await SmallAsync("mixed", size, c, t => objects.MixedAsync(t, size, c), strata, ceiling, null)];
            case "large":
                return await LargeAsync(strata, ceiling, disk, objects);
            case "list":
                return await ListAsync(strata, ceiling, list);
            default:
                throw new ArgumentException($"unknown workload '{workload}' (known: {string.Join(", ", BenchSettings.AllWorkloads)})");
        }
    }

    private async Task<WorkloadReport> SmallAsync(string name, long size, int concurrency, Func<BenchTarget, Task<Measurement>> run,
        BenchTarget strata, BenchTarget? ceiling, DiskBaseline? disk)
    {
        var measured = await Announce(name, "strata", run(strata));
        var http = ceiling is null ? null : await Announce(name, "http-noop", run(ceiling));
        var fsync = disk is null ? null : await Announce(name, "disk-fsync", disk.MeasureAsync(size, concurrency));
        return new WorkloadReport
        {
            Workload = name,
            Run = new WorkloadRun(name, "strata", size, concurrency, measured),
            HttpCeiling = http is null ? null : new WorkloadRun(name, "http-noop", size, concurrency, http),
            Disk = fsync is null ? null : new WorkloadRun(name, "disk-fsync", size, concurrency, fsync),
        };
    }

    private async Task<List<WorkloadReport>> LargeAsync(BenchTarget strata, BenchTarget? ceiling, DiskBaseline? disk, ObjectWorkloads objects)
    {
        var size = settings.LargeSize;
        var c = settings.LargeConcurrency;
        var measured = await objects.LargeAsync(strata, size, c);
        await progress.WriteLineAsync($"  strata: PUT {Summary(measured.Put)}; GET {Summary(measured.Get)}");
        (Measurement Put, Measurement Get)? http = null;
        if (ceiling is not null)
        {
            http = await objects.LargeAsync(ceiling, size, c);
            await progress.WriteLineAsync($"  http-noop: PUT {Summary(http.Value.Put)}; GET {Summary(http.Value.Get)}");
        }
        var fsync = disk is null ? null : await Announce("large-put", "disk-fsync", disk.MeasureAsync(size, c));
        List<string> notes = [size >= settings.MultipartThreshold
            ? $"multipart: {Units.ByteSize.Format(settings.PartSize)} parts, {settings.PartConcurrency} in flight per object"
            : "single PUT per object"];
        return
        [
            new WorkloadReport
            {
                Workload = "large-put",
                Run = new WorkloadRun("large-put", "strata", size, c, measured.Put) { Notes = notes },
                HttpCeiling = http is null ? null : new WorkloadRun("large-put", "http-noop", size, c, http.Value.Put),
                Disk = fsync is null ? null : new WorkloadRun("large-put", "disk-fsync", size, c, fsync),
            },
            new WorkloadReport
            {
                Workload = "large-get",
                Run = new WorkloadRun("large-get", "strata", size, c, measured.Get),
                HttpCeiling = http is null ? null : new WorkloadRun("large-get", "http-noop", size, c, http.Value.Get),
            },
        ];
    }

    private async Task<List<WorkloadReport>> ListAsync(BenchTarget strata, BenchTarget? ceiling, ListWorkload list)
    {
        var reports = new List<WorkloadReport>();
        WorkloadRun? versionsHttp = null, objectsHttp = null, firstVersions = null, firstObjects = null;
        if (ceiling is not null)
        {
            versionsHttp = new WorkloadRun("list-versions", "http-noop", 0, settings.ListConcurrency,
                await Announce("list-versions", "http-noop", list.VersionsAsync(ceiling, ListWorkload.PageSize)));
            objectsHttp = new WorkloadRun("list-v2", "http-noop", 0, settings.ListConcurrency,
                await Announce("list-v2", "http-noop", list.ObjectsV2Async(ceiling, ListWorkload.PageSize)));
        }
        foreach (var depth in settings.ListDepths)
        {
            var preloadRate = await list.PreloadAsync(strata, depth);
            List<string> notes = [$"preload: {preloadRate:N0} PUT/s of 16-byte objects at concurrency {settings.PreloadConcurrency}"];
            var versions = new WorkloadRun("list-versions", "strata", 0, settings.ListConcurrency,
                await Announce($"list-versions@{depth}", "strata", list.VersionsAsync(strata, depth))) { Depth = depth, Notes = notes };
            var objects = new WorkloadRun("list-v2", "strata", 0, settings.ListConcurrency,
                await Announce($"list-v2@{depth}", "strata", list.ObjectsV2Async(strata, depth))) { Depth = depth };
            firstVersions ??= versions;
            firstObjects ??= objects;
            reports.Add(new WorkloadReport { Workload = "list-versions", Run = versions, HttpCeiling = versionsHttp, FirstDepth = firstVersions });
            reports.Add(new WorkloadReport { Workload = "list-v2", Run = objects, HttpCeiling = objectsHttp, FirstDepth = firstObjects });
        }
        return reports;
    }

    private async Task<Measurement> Announce(string workload, string target, Task<Measurement> running)
    {
        var measured = await running;
        await progress.WriteLineAsync($"  {target}: {Summary(measured)}");
        return measured;
    }

    // Progress says a run is done; its figures are printed once, in the table (or the JSON).
    private static string Summary(Measurement m) => $"done, {m.Operations:N0} requests, {m.Errors:N0} errors";

    /// <summary>The signer alone, timed and weighed over many requests: the part of the client's cost that is ours.</summary>
    private static ClientCost MeasureSigner(BenchSettings settings)
    {
        var signer = new SigV4Signer(settings.AccessKey, settings.SecretKey, settings.Region);
        var amzDate = SigV4Signer.AmzDate(DateTime.UtcNow);
        const int count = 20_000;
        for (var i = 0; i < 1000; i++) signer.Authorization("PUT", "/bucket/put/run/w/1", "", "127.0.0.1:9000", SigV4Signer.UnsignedPayload, amzDate);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++) signer.Authorization("PUT", "/bucket/put/run/w/1", "", "127.0.0.1:9000", SigV4Signer.UnsignedPayload, amzDate);
        var elapsed = Stopwatch.GetElapsedTime(started);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        return new ClientCost(elapsed.TotalMicroseconds / count, (double)allocated / count);
    }
}
