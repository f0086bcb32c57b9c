using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Core.Lifecycle;
using Strata.Engine;
using Strata.Engine.Buckets;
using Strata.Server.Xml;

namespace Strata.Server.Background;

/// <summary>
/// Applies the buckets' lifecycle rules: every <see cref="Interval"/> of the server's clock, and at once when the admin
/// API asks (`strata admin lifecycle run`). One run at a time; each bucket's figures are logged and kept in
/// bucket_configs ("lifecycle-status") for `strata admin lifecycle status`.
/// </summary>
internal sealed partial class LifecycleWorker(StorageEngine engine, TimeProvider time, LifecycleSchedule schedule, ILogger<LifecycleWorker> log)
    : BackgroundService
{
    private readonly SemaphoreSlim _oneRun = new(1, 1);
    private DateTimeOffset? _nextRun;

    public TimeSpan Interval => schedule.Interval;

    /// <summary>When the next scheduled run starts; null before the worker started or when scheduled runs are off.</summary>
    public DateTimeOffset? NextRun => _nextRun;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (schedule.Interval <= TimeSpan.Zero) return; // --lifecycle-interval 0: only `strata admin lifecycle run`
        while (!stoppingToken.IsCancellationRequested)
        {
            _nextRun = time.GetUtcNow() + schedule.Interval;
            try
            {
                await Task.Delay(schedule.Interval, time, stoppingToken);
                await RunAsync(null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // A failed run (an I/O error in a commit) is logged; the next one tries again. Nothing half-done stays:
                // each page is one transaction.
                LogRunFailed(log, error);
            }
        }
    }

    /// <summary>Runs the rules of one bucket, or of every bucket that has rules, and waits for the run; a run already under way is waited for first.</summary>
    /// <exception cref="StrataException">NoSuchBucket, or NoSuchLifecycleConfiguration for a named bucket without rules.</exception>
    public async Task<List<LifecyclePassReport>> RunAsync(BucketName? bucket, CancellationToken cancellationToken)
    {
        var targets = bucket is { } one
            ? [(one, engine.GetBucketConfig(one, BucketConfigKind.Lifecycle) ?? throw S3Fail.Exception(StrataError.NoSuchLifecycleConfiguration))]
            : engine.ListBucketConfigs(BucketConfigKind.Lifecycle);
        var reports = new List<LifecyclePassReport>();
        await _oneRun.WaitAsync(cancellationToken);
        try
        {
            foreach (var (name, document) in targets)
            {
                var configuration = LifecycleConfigurationReader.Read(document);
                var info = engine.FindBucket(name);
                if (info is null) continue; // removed since the list was read
                // Strata: on an MFA Delete bucket, rules remove versions for good only if they were set with an MFA code.
                var mayRemove = info.MfaDelete != MfaDeleteState.Enabled || engine.GetBucketConfig(name, BucketConfigKind.LifecycleMfa) is not null;
                LifecyclePassReport report;
                try
                {
                    report = await engine.RunLifecyclePassAsync(name, configuration, mayRemove, cancellationToken);
                }
                catch (StrataException gone) when (gone.Error == StrataError.NoSuchBucket && bucket is null)
                {
                    continue; // deleted during the run; the other buckets still get theirs
                }
                LogPass(log, name.Value, report.Examined, report.Removed, report.MarkersAdded, report.UploadsAborted, report.BytesFreed,
                    report.Skipped, (long)(report.Finished - report.Started).TotalMilliseconds);
                await engine.PutBucketConfigAsync(name, BucketConfigKind.LifecycleStatus, ToJson(report));
                reports.Add(report);
            }
        }
        finally
        {
            _oneRun.Release();
        }
        return reports;
    }

    /// <summary>The figures of the bucket's last run, as stored; null before its first.</summary>
    public static LifecycleRunStatus? LastRun(StorageEngine engine, BucketName bucket) =>
        engine.GetBucketConfig(bucket, BucketConfigKind.LifecycleStatus) is { } json ? JsonSerializer.Deserialize(json, LifecycleJson.Default.LifecycleRunStatus) : null;

    private static string ToJson(LifecyclePassReport r) => JsonSerializer.Serialize(
        new LifecycleRunStatus(r.Started, r.Finished, r.Examined, r.Removed, r.MarkersAdded, r.UploadsAborted, r.BytesFreed, r.Skipped),
        LifecycleJson.Default.LifecycleRunStatus);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Lifecycle run on {Bucket}: {Examined} versions examined, {Removed} removed, {MarkersAdded} delete markers added, {UploadsAborted} uploads aborted, {BytesFreed} bytes freed, {Skipped} removals skipped (MFA Delete), {Milliseconds} ms")]
    private static partial void LogPass(ILogger logger, string bucket, long examined, long removed, long markersAdded, long uploadsAborted, long bytesFreed,
        long skipped, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "A scheduled lifecycle run failed; the next one will try again")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}

/// <summary>How often the worker runs: `strata serve --lifecycle-interval` (default 1 hour; 0 turns scheduled runs off).</summary>
internal sealed record LifecycleSchedule(TimeSpan Interval);

/// <summary>A bucket's last lifecycle run as kept in bucket_configs and shown by the admin API.</summary>
internal sealed record LifecycleRunStatus(
    DateTimeOffset Started,
    DateTimeOffset Finished,
    long Examined,
    long Removed,
    long MarkersAdded,
    long UploadsAborted,
    long BytesFreed,
    long Skipped);

[System.Text.Json.Serialization.JsonSerializable(typeof(LifecycleRunStatus))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class LifecycleJson : System.Text.Json.Serialization.JsonSerializerContext;
