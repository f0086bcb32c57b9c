using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Strata.Core;
using Strata.Engine;
using Strata.Engine.Replication;

namespace Strata.Server.Background;

/// <summary>
/// Drains the replication outbox: each round takes the oldest due item of each key (so a key's versions reach the
/// destination in commit order) and sends up to <see cref="ReplicationSettings.Concurrency"/> keys at once. A send is
/// retried in place a few times with exponential backoff and jitter (Polly); if it still fails, the item waits in the
/// outbox for a later round, the wait doubling up to <see cref="ReplicationSettings.RetryMax"/>. The outbox is in the
/// database, so a restart resumes where the last one stopped; a send that was begun before a crash is checked against
/// the destination first, so a version arrives once.
/// </summary>
internal sealed partial class Replicator(StorageEngine engine, ReplicationTargets targets, ReplicationSettings settings, TimeProvider time,
    ILogger<Replicator> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ReplicationThroughput> _throughput = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        MaxRetryAttempts = 2,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromMilliseconds(200),
        ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
    }).Build();

    /// <summary>Versions and bytes sent per bucket since the server started, for `strata admin replication status`.</summary>
    public ReplicationThroughput ThroughputOf(BucketName bucket) => _throughput.GetOrAdd(bucket.Value, _ => new ReplicationThroughput(time.GetUtcNow()));

    /// <summary>Starts a round now instead of at the next poll (after `replication retry` or `strata replicate`).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await engine.ForgetOrphanReplicationAsync();
            while (!stoppingToken.IsCancellationRequested)
            {
                var heads = engine.ReadReplicationHeads(settings.Concurrency * 4);
                if (heads.Count == 0)
                {
                    await _wake.WaitAsync(settings.PollInterval, stoppingToken);
                    continue;
                }
                var ids = new long[heads.Count];
                for (var i = 0; i < heads.Count; i++) ids[i] = heads[i].Id;
                await engine.BeginReplicationAttemptsAsync(ids);
                await Parallel.ForEachAsync(heads, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = stoppingToken },
                    async (item, cancellationToken) => await SendAsync(item, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        try
        {
            var (client, bucket) = targets.Resolve(item.Destination);
            if (item.Attempts > 0 && await ReplicationSender.AlreadyThereAsync(client, bucket, item, cancellationToken))
            {
                await engine.CompleteReplicationAsync(item);
                return;
            }
            if (item.IsDeleteMarker)
            {
                await _retry.ExecuteAsync(async token => await ReplicationSender.SendMarkerAsync(client, bucket, item, token), cancellationToken);
            }
            else
            {
                var (_, version) = engine.FindVersion(item.Bucket, item.Key, item.VersionId);
                // S3: a version deleted for good on the source before it was sent is not sent (the replica keeps what it got).
                if (version is null || version.Seq != item.Seq) throw new VersionGoneException();
                await _retry.ExecuteAsync(async token => await ReplicationSender.SendVersionAsync(engine, client, bucket, version, settings, token), cancellationToken);
            }
            await engine.CompleteReplicationAsync(item);
            ThroughputOf(item.Bucket).Add(item.Size, time.GetUtcNow());
        }
        catch (VersionGoneException)
        {
            await engine.CompleteReplicationAsync(item, versionGone: true);
        }
        catch (StrataException gone) when (gone.Error == StrataError.NoSuchBucket)
        {
            await engine.CompleteReplicationAsync(item, versionGone: true);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested && error is not ObjectDisposedException)
        {
            var attempts = item.Attempts + 1;
            var next = time.GetUtcNow() + Backoff(attempts);
            var reason = Describe(error);
            LogSendFailed(log, item.Bucket.Value, item.Key.Value, item.VersionId.Value, attempts, reason);
            await engine.FailReplicationAsync(item, reason, next, failed: attempts >= settings.FailedAfter);
        }
    }

    // Exponential from 1 s, capped, with ±50% jitter so that many failing items do not return in step.
    private TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(settings.RetryMax.TotalSeconds, Math.Pow(2, Math.Min(attempts - 1, 20)));
        return TimeSpan.FromSeconds(seconds * (0.5 + Random.Shared.NextDouble()));
    }

    /// <summary>The destination's error as a person reads it: S3's code and message, or the connection failure.</summary>
    private static string Describe(Exception error) => error switch
    {
        AmazonS3Exception s3 => $"{(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}",
        StrataException strata => $"{strata.Error}: {strata.Message}",
        AmazonServiceException service => service.InnerException is { } inner ? inner.Message : service.Message,
        _ => error.InnerException is { } inner ? $"{error.Message} ({inner.Message})" : error.Message,
    };

    private static bool IsTransient(Exception error) => error switch
    {
        AmazonS3Exception s3 => (int)s3.StatusCode >= 500 || s3.StatusCode == System.Net.HttpStatusCode.TooManyRequests || s3.ErrorCode is "SlowDown" or "RequestTimeout",
        AmazonServiceException => true, // no answer at all: connection refused or cut
        HttpRequestException or IOException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication of {Bucket}/{Key} version {VersionId} failed (attempt {Attempts}): {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string bucket, string key, string versionId, int attempts, string reason);
}

/// <summary>What one bucket's replication has sent since the server started.</summary>
internal sealed class ReplicationThroughput(DateTimeOffset since)
{
    private long _versions;
    private long _bytes;
    private long _lastTicks;

    public DateTimeOffset Since { get; } = since;
    public long Versions => Interlocked.Read(ref _versions);
    public long Bytes => Interlocked.Read(ref _bytes);
    public DateTimeOffset? Last => Interlocked.Read(ref _lastTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public void Add(long bytes, DateTimeOffset now)
    {
        Interlocked.Increment(ref _versions);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Exchange(ref _lastTicks, now.UtcTicks);
    }
}
