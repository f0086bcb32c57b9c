using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Engine;
using Strata.Engine.Scrub;

namespace Strata.Server.Background;

/// <summary>
/// Re-reads stored bodies against their checksums: every <see cref="ScrubSchedule.Interval"/> (`strata serve --scrub-interval`,
/// off by default) at most <see cref="ScrubSchedule.BytesPerSecond"/> (`--scrub-rate`), and at once, unpaced, when the admin
/// API asks (`strata admin scrub`). One scrub at a time. Each finding is logged as an error with bucket, key and version id.
/// </summary>
internal sealed partial class ScrubWorker(StorageEngine engine, TimeProvider time, ScrubSchedule schedule, ILogger<ScrubWorker> log) : BackgroundService
{
    private readonly SemaphoreSlim _oneRun = new(1, 1);

    /// <summary>When the next scheduled scrub starts; null when scheduled scrubs are off.</summary>
    public DateTimeOffset? NextRun { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (schedule.Interval <= TimeSpan.Zero) return; // off: only `strata admin scrub`
        while (!stoppingToken.IsCancellationRequested)
        {
            NextRun = time.GetUtcNow() + schedule.Interval;
            try
            {
                await Task.Delay(schedule.Interval, time, stoppingToken);
                await RunAsync(null, schedule.BytesPerSecond, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // A failed scrub (an I/O error reading the database) is logged; the next one tries again.
                LogRunFailed(log, error);
            }
        }
    }

    /// <summary>Scrubs one bucket, or all, and waits; a scrub already under way is waited for first.</summary>
    /// <exception cref="StrataException">NoSuchBucket.</exception>
    public async Task<ScrubReport> RunAsync(BucketName? bucket, long bytesPerSecond, CancellationToken cancellationToken)
    {
        await _oneRun.WaitAsync(cancellationToken);
        try
        {
            var report = await engine.ScrubAsync(bucket, bytesPerSecond, cancellationToken);
            foreach (var f in report.Findings)
            {
                LogFinding(log, f.Problem, f.Bucket.Value, f.Key.Value, f.VersionId.Value, f.PartNumber, f.Detail);
            }
            LogRun(log, bucket?.Value ?? "every bucket", report.Versions, report.Parts, report.Bytes, report.HashesAdded, report.Findings.Count,
                (long)(report.Finished - report.Started).TotalMilliseconds);
            return report;
        }
        finally
        {
            _oneRun.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scrub: {Problem} body in {Bucket}/{Key} version {VersionId} (part {PartNumber}; 0 is the whole body): {Detail}")]
    private static partial void LogFinding(ILogger logger, string problem, string bucket, string key, string versionId, int partNumber, string detail);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Scrub of {Scope}: {Versions} versions, {Bodies} bodies, {Bytes} bytes read, {HashesAdded} checksums added, {Findings} damaged or missing, {Milliseconds} ms")]
    private static partial void LogRun(ILogger logger, string scope, long versions, long bodies, long bytes, long hashesAdded, int findings, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "A scheduled scrub failed; the next one will try again")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}

/// <summary>`strata serve --scrub-interval` (zero: off, the default) and `--scrub-rate` (bytes per second; zero: unpaced).</summary>
internal sealed record ScrubSchedule(TimeSpan Interval, long BytesPerSecond);
