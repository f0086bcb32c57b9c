using System.Collections.Concurrent;
using System.Threading.Channels;
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
/// Drains the replication outbox as a pipeline: <see cref="ReplicationSettings.Concurrency"/> sends are kept in flight
/// continuously, each slot taking the oldest due item of a key as soon as it frees, so a key's versions reach the
/// destination in commit order with at most one of them in flight. Acknowledged items are recorded in batches (one commit
/// for all the completions that arrived meanwhile); an item leaves the outbox only after the destination answered, and the
/// key's next version becomes due only then. A send is retried in place a few times with exponential backoff and jitter
/// (Polly); if it still fails, the item waits in the outbox, the wait doubling up to <see cref="ReplicationSettings.RetryMax"/>.
/// The outbox is in the database, so a restart resumes where the last one stopped. The destination is checked before a
/// send only where an earlier one may have landed: items queued before this process started (a crash may have cut off their
/// completion), items whose last send failed, and in-place retries; so a version arrives once.
/// </summary>
internal sealed partial class Replicator(StorageEngine engine, ReplicationTargets targets, ReplicationSettings settings, TimeProvider time,
    ILogger<Replicator> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ReplicationThroughput> _throughput = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);

    // Items being sent or sent and waiting for their completion to be committed: never dispatched a second time.
    private readonly ConcurrentDictionary<long, byte> _busy = new();
    // Items acknowledged by the destination whose completion could not be committed: their next send checks first.
    private readonly ConcurrentDictionary<long, byte> _recheck = new();
    private readonly Channel<(OutboxItem Item, bool VersionGone)> _completions = Channel.CreateUnbounded<(OutboxItem, bool)>(
        new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBeforeStart;

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

    /// <summary>
    /// Looks for due items now instead of at the next poll: after a write queued one (<see cref="StorageEngine.ReplicationQueued"/>),
    /// `replication retry`, `strata replicate` or a recorded batch.
    /// </summary>
    public void Wake()
    {
        if (_wake.CurrentCount > 0) return; // already woken: a burst of writes costs no exceptions
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private static readonly TimeSpan ReadRetry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await engine.ForgetOrphanReplicationAsync();
            _queuedBeforeStart = engine.LastReplicationItemId();
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }
        var recorder = RecordCompletionsAsync();
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        engine.ReplicationQueued += Wake;
        try
        {
            await DispatchAsync(slots, stoppingToken);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            engine.ReplicationQueued -= Wake;
            // Every slot back means every send has ended; the completions they left are then recorded before stopping.
            for (var i = 0; i < settings.Concurrency; i++) await slots.WaitAsync(CancellationToken.None);
            _completions.Writer.TryComplete();
            await recorder;
        }
    }

    private async Task DispatchAsync(SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the read: an item busy now may be completed and gone from _busy by the time the read returns it.
            var busy = new HashSet<long>(_busy.Keys);
            List<OutboxItem> heads;
            try
            {
                heads = engine.ReadReplicationHeads(settings.Concurrency * 4 + busy.Count);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested && error is not ObjectDisposedException)
            {
                // A metadata read that fails (I/O error, a damaged page) must not stop the server, whose host stops on an
                // unhandled background exception: log it and read again later; the outbox keeps every item meanwhile.
                LogReadFailed(log, error.Message);
                await Task.Delay(ReadRetry, stoppingToken);
                continue;
            }
            var started = 0;
            foreach (var item in heads)
            {
                if (busy.Contains(item.Id)) continue;
                await slots.WaitAsync(stoppingToken);
                _busy[item.Id] = 0;
                started++;
                _ = RunAsync(item, slots, stoppingToken); // owned: each run returns its slot, and stopping waits for every slot
            }
            if (started == 0) await _wake.WaitAsync(settings.PollInterval, stoppingToken);
        }
    }

    private async Task RunAsync(OutboxItem item, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var recorded = false;
        try
        {
            await Task.Yield();
            recorded = await SendAsync(item, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The failure could not even be recorded: the item goes again at once, checked first as its send may have landed.
            _recheck[item.Id] = 0;
            LogSendFailed(log, item.Bucket.Value, item.Key.Value, item.VersionId.Value, item.Attempts + 1, Describe(e));
        }
        finally
        {
            // A failure (recorded with its backoff, or not recorded at all) frees the item now; a success when its completion is committed.
            if (!recorded) _busy.TryRemove(item.Id, out _);
            slots.Release();
        }
    }

    /// <summary>Records the completions that arrived meanwhile in one commit, then lets the keys' next versions go.</summary>
    private async Task RecordCompletionsAsync()
    {
        var batch = new List<(OutboxItem Item, bool VersionGone)>();
        while (await _completions.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < 1024 && _completions.Reader.TryRead(out var done)) batch.Add(done);
            try
            {
                await engine.CompleteReplicationAsync(batch);
            }
            catch (ObjectDisposedException)
            {
                return; // stopping: the items stay queued and are checked against the destination after the restart
            }
            catch (Exception e)
            {
                // The items stay queued and go again, checked first: the destination already has them.
                LogCompletionFailed(log, batch.Count, e.Message);
                foreach (var (item, _) in batch)
                {
                    _recheck[item.Id] = 0;
                    _busy.TryRemove(item.Id, out _);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), time, CancellationToken.None);
                continue;
            }
            var now = time.GetUtcNow();
            foreach (var (item, gone) in batch)
            {
                if (!gone) ThroughputOf(item.Bucket).Add(item.Size, now);
                _recheck.TryRemove(item.Id, out _);
                _busy.TryRemove(item.Id, out _);
            }
            Wake();
        }
    }

    /// <summary>Sends one item; true when the destination has it (or it is gone) and its completion was handed to the recorder.</summary>
    private async Task<bool> SendAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        try
        {
            var (client, bucket) = targets.Resolve(item.Destination);
            // Checked first only where an earlier send may have landed without its completion being recorded.
            var uncertain = item.Attempts > 0 || item.Id <= _queuedBeforeStart || _recheck.ContainsKey(item.Id);
            if (item.IsDeleteMarker)
            {
                await _retry.ExecuteAsync(async token =>
                {
                    if (uncertain && await ReplicationSender.MarkerAlreadyThereAsync(client, bucket, item, MarkerRun(item), token)) return;
                    uncertain = true; // an in-place retry follows a failure whose request may have been applied
                    await ReplicationSender.SendMarkerAsync(client, bucket, item, token);
                }, cancellationToken);
            }
            else
            {
                var (_, version) = engine.FindVersion(item.Bucket, item.Key, item.VersionId);
                // S3: a version deleted for good on the source before it was sent is not sent (the replica keeps what it got).
                if (version is null || version.Seq != item.Seq) throw new VersionGoneException();
                await _retry.ExecuteAsync(async token =>
                {
                    if (uncertain && await ReplicationSender.VersionAlreadyThereAsync(client, bucket, item, token)) return;
                    uncertain = true;
                    await ReplicationSender.SendVersionAsync(engine, client, bucket, version, settings, token);
                }, cancellationToken);
            }
            return _completions.Writer.TryWrite((item, false));
        }
        catch (VersionGoneException)
        {
            return _completions.Writer.TryWrite((item, true));
        }
        catch (StrataException gone) when (gone.Error == StrataError.NoSuchBucket)
        {
            return _completions.Writer.TryWrite((item, true));
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested && error is not ObjectDisposedException)
        {
            var attempts = item.Attempts + 1;
            var next = time.GetUtcNow() + Backoff(attempts);
            var reason = Describe(error);
            LogSendFailed(log, item.Bucket.Value, item.Key.Value, item.VersionId.Value, attempts, reason);
            await engine.FailReplicationAsync(item, reason, next, failed: attempts >= settings.FailedAfter);
            return false;
        }
    }

    /// <summary>
    /// The delete markers on the source from this marker down to the key's newest version that is not one (this marker
    /// included, at most one listing page): how many a destination that holds this marker shows on top of the key.
    /// </summary>
    private int MarkerRun(OutboxItem item)
    {
        const int page = 1000;
        var below = engine.ListObjectVersions(item.Bucket, item.Key.Value, delimiter: null, item.Key.Value, item.VersionId, page - 1);
        return 1 + below.Entries.TakeWhile(v => v.Key == item.Key && v.IsDeleteMarker).Count();
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the replication outbox failed; trying again in 5 s: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording {Count} completed replications failed; they will be checked against the destination and recorded again: {Reason}")]
    private static partial void LogCompletionFailed(ILogger logger, int count, string reason);

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
