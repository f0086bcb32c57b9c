using Strata.Core;
using Strata.Core.Replication;
using Strata.Engine.Buckets;
using Strata.Engine.Objects;
using Strata.Engine.Replication;

namespace Strata.Engine;

/// <summary>
/// Replication: the bucket's rules, the outbox the replicator drains (queued by the writes themselves, see
/// <see cref="ReplicationOutbox"/>), each version's x-amz-replication-status, and queuing what a bucket already holds.
/// </summary>
public sealed partial class StorageEngine
{
    /// <summary>Raised once a write that queued versions for replication is durable, on the thread that synced it: keep it short.</summary>
    public event Action? ReplicationQueued
    {
        add => _notices.ReplicationQueued += value;
        remove => _notices.ReplicationQueued -= value;
    }

    /// <summary>Stores the rules; S3: the bucket's versioning must be Enabled (InvalidRequest), checked in the same transaction.</summary>
    public Task PutReplicationConfigurationAsync(BucketName bucket, ReplicationConfiguration configuration) =>
        _committer.WriteAsync(tx =>
        {
            var (_, state) = StackWrites.Bucket(tx, bucket);
            if (state != VersioningState.Enabled)
            {
                throw S3Fail.Exception(StrataError.InvalidRequest, "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
            }
            return BucketConfigs.Put(tx, bucket, BucketConfigKind.Replication, configuration.Serialize());
        });

    /// <summary>The bucket's rules, or null; throws NoSuchBucket.</summary>
    public ReplicationConfiguration? GetReplicationConfiguration(BucketName bucket) =>
        GetBucketConfig(bucket, BucketConfigKind.Replication) is { } stored ? ReplicationOutbox.Parse(stored) : null;

    /// <summary>
    /// The oldest queued item of each key whose next attempt is due, in commit order: a key's later versions wait until its
    /// earlier one is sent, so the destination's stack has the source's order. Walks the outbox in id order and stops at
    /// <paramref name="limit"/> (one index probe per row for an earlier item of its key), so a large backlog costs no more per read.
    /// </summary>
    public List<OutboxItem> ReadReplicationHeads(int limit)
    {
        using var session = Read();
        using var command = session.Command("""
            SELECT o.id, b.name, o.key, o.seq, o.version_id, o.is_marker, o.size, o.rule, o.destination, o.queued_ms, o.attempts
            FROM replication_outbox o JOIN buckets b ON b.id = o.bucket_id
            WHERE o.next_ms <= $now
              AND NOT EXISTS (SELECT 1 FROM replication_outbox p WHERE p.bucket_id = o.bucket_id AND p.key = o.key AND p.id < o.id)
            ORDER BY o.id LIMIT $n
            """).With("$now", _time.GetUtcNow().ToUnixTimeMilliseconds()).With("$n", limit);
        using var r = command.ExecuteReader();
        var items = new List<OutboxItem>();
        while (r.Read())
        {
            VersionId.TryParse(r.GetString(4), out var versionId);
            items.Add(new OutboxItem(r.GetInt64(0), BucketName.Parse(r.GetString(1)), ObjectKey.FromUtf8((byte[])r.GetValue(2)), r.GetInt64(3), versionId,
                r.GetInt64(5) != 0, r.GetInt64(6), r.GetString(7), r.GetString(8), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)), (int)r.GetInt64(10)));
        }
        return items;
    }

    /// <summary>
    /// The newest outbox id when the replicator starts: an item at or below it may have been sent by the previous process
    /// (cut off by a crash before its completion was recorded), so its first send checks the destination first.
    /// </summary>
    public long LastReplicationItemId()
    {
        using var session = Read();
        using var command = session.Command("SELECT COALESCE(MAX(id), 0) FROM replication_outbox");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// The destination has them: the items leave the outbox and their versions show COMPLETED, all in one commit; an item
    /// whose version was deleted for good before it could be sent (<c>VersionGone</c>) leaves with no status.
    /// </summary>
    public Task CompleteReplicationAsync(IReadOnlyList<(OutboxItem Item, bool VersionGone)> done) =>
        _committer.WriteAsync(tx =>
        {
            foreach (var (item, versionGone) in done)
            {
                using (var delete = tx.Command("DELETE FROM replication_outbox WHERE id = $i").With("$i", item.Id)) delete.ExecuteNonQuery();
                if (versionGone)
                {
                    using var status = tx.Command("DELETE FROM replication_status WHERE seq = $s").With("$s", item.Seq);
                    status.ExecuteNonQuery();
                }
                else
                {
                    ReplicationOutbox.SetStatus(tx, item.Seq, ReplicationStatus.Completed);
                }
            }
            return true;
        });

    /// <summary>
    /// A send failed: the attempt is counted (the next send checks the destination first, as this one may have landed), the
    /// error is kept for status, the next attempt waits until <paramref name="next"/>; with <paramref name="failed"/> the version shows FAILED.
    /// </summary>
    public Task FailReplicationAsync(OutboxItem item, string error, DateTimeOffset next, bool failed) =>
        _committer.WriteAsync(tx =>
        {
            using (var update = tx.Command("UPDATE replication_outbox SET attempts = attempts + 1, error = $e, next_ms = $n WHERE id = $i")
                .With("$e", error).With("$n", next.ToUnixTimeMilliseconds()).With("$i", item.Id)) update.ExecuteNonQuery();
            if (failed) ReplicationOutbox.SetStatus(tx, item.Seq, ReplicationStatus.Failed);
            return true;
        });

    /// <summary>Makes every waiting item of the bucket due now; returns how many.</summary>
    public Task<int> RetryReplicationAsync(BucketName bucket) =>
        _committer.WriteAsync(tx =>
        {
            var (id, _) = StackWrites.Bucket(tx, bucket);
            using var command = tx.Command("UPDATE replication_outbox SET next_ms = 0 WHERE bucket_id = $b AND next_ms > 0").With("$b", id);
            return command.ExecuteNonQuery();
        });

    /// <summary>Removes queued items of buckets that no longer exist (deleted while items waited).</summary>
    public Task<int> ForgetOrphanReplicationAsync() =>
        _committer.WriteAsync(tx =>
        {
            using var command = tx.Command("DELETE FROM replication_outbox WHERE bucket_id NOT IN (SELECT id FROM buckets)");
            return command.ExecuteNonQuery();
        });

    public ReplicationBacklog ReplicationBacklogOf(BucketName bucket, int maxFailures = 20)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        long versions, bytes, failed;
        DateTimeOffset? oldest;
        using (var totals = session.Command("""
            SELECT COUNT(*), COALESCE(SUM(size), 0), MIN(queued_ms), COUNT(error) FROM replication_outbox WHERE bucket_id = $b
            """).With("$b", info.Id))
        using (var r = totals.ExecuteReader())
        {
            r.Read();
            versions = r.GetInt64(0);
            bytes = r.GetInt64(1);
            oldest = r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2));
            failed = r.GetInt64(3);
        }
        var failures = new List<OutboxFailure>();
        using (var list = session.Command("""
            SELECT key, version_id, is_marker, attempts, error, next_ms FROM replication_outbox WHERE bucket_id = $b AND error IS NOT NULL ORDER BY id LIMIT $n
            """).With("$b", info.Id).With("$n", maxFailures))
        using (var r = list.ExecuteReader())
        {
            while (r.Read())
            {
                VersionId.TryParse(r.GetString(1), out var versionId);
                failures.Add(new OutboxFailure(ObjectKey.FromUtf8((byte[])r.GetValue(0)), versionId, r.GetInt64(2) != 0, (int)r.GetInt64(3), r.GetString(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))));
            }
        }
        return new ReplicationBacklog(versions, bytes, oldest, failed, failures);
    }

    /// <summary>
    /// Queues what the bucket already holds (S3 Batch Replication): every version and delete marker, oldest first, that has
    /// no replication status yet (never queued) or FAILED and is not waiting in the outbox, for the matching rule or the named
    /// one. Idempotent: a second run queues nothing new. Pages of keys, one commit each. Returns how many were queued.
    /// </summary>
    public async Task<long> QueueExistingForReplicationAsync(BucketName bucket, string? ruleId, CancellationToken cancellationToken)
    {
        var configuration = GetReplicationConfiguration(bucket) ?? throw S3Fail.Exception(StrataError.ReplicationConfigurationNotFoundError);
        ReplicationRule? only = null;
        if (ruleId is not null)
        {
            only = configuration.Find(ruleId) ?? throw S3Fail.Exception(StrataError.InvalidArgument, $"The bucket's replication configuration has no rule '{ruleId}'.");
        }
        long queued = 0, after = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await _committer.WriteAsync(tx => ReplicationBackfill.QueuePage(tx, bucket, configuration, only, after, 1000, _time.GetUtcNow()));
            queued += page.Queued;
            if (page.LastSeq is not { } last) return queued;
            after = last;
        }
    }
}
