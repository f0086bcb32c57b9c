using System.Collections.Concurrent;
using Strata.Core;
using Strata.Core.Replication;
using Strata.Core.Tagging;
using Strata.Engine.Buckets;
using Strata.Engine.Metadata;

namespace Strata.Engine.Replication;

/// <summary>
/// Queues a new version or delete marker for replication inside the transaction that commits it, so a crash can never
/// lose a pending replication. Per write the cost is one point read of the bucket's configuration row (nothing found
/// for a bucket without one); the parsed rules are cached by their stored text, so no write parses a document.
/// </summary>
internal static class ReplicationOutbox
{
    private static readonly ConcurrentDictionary<string, ReplicationConfiguration> Parsed = new(StringComparer.Ordinal);

    /// <summary>
    /// After a version or marker was pushed: a replica (written by another server's replicator) is marked REPLICA and
    /// never queued, so two servers replicating to each other do not loop; otherwise the matching enabled rule queues it.
    /// </summary>
    public static void OnNewVersion(WriteTransaction tx, long bucketId, ObjectKey key, byte[] keyBytes, long seq, VersionId versionId,
        bool isDeleteMarker, long size, TagSet tags, bool isReplica, DateTimeOffset now)
    {
        if (isReplica)
        {
            SetStatus(tx, seq, ReplicationStatus.Replica);
            return;
        }
        if (Configuration(tx, bucketId) is not { } configuration) return;
        if (configuration.Match(key.Value, tags.Tags, isDeleteMarker) is not { } rule) return;
        Enqueue(tx, bucketId, keyBytes, seq, versionId, isDeleteMarker, size, rule, now);
    }

    public static void Enqueue(WriteTransaction tx, long bucketId, byte[] keyBytes, long seq, VersionId versionId, bool isDeleteMarker, long size,
        ReplicationRule rule, DateTimeOffset now)
    {
        using var insert = tx.Command("""
            INSERT INTO replication_outbox(bucket_id, key, seq, version_id, is_marker, size, rule, destination, queued_ms)
            VALUES($b, $k, $s, $v, $m, $z, $r, $d, $t)
            """)
            .With("$b", bucketId).With("$k", keyBytes).With("$s", seq).With("$v", versionId.Value).With("$m", isDeleteMarker ? 1 : 0)
            .With("$z", size).With("$r", rule.Id).With("$d", rule.Destination.Arn).With("$t", now.ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
        SetStatus(tx, seq, ReplicationStatus.Pending);
        tx.AfterCommit(tx.Notices.RaiseReplicationQueued);
    }

    public static void SetStatus(WriteTransaction tx, long seq, string status)
    {
        using var command = tx.Command("INSERT INTO replication_status(seq, status) VALUES($s, $st) ON CONFLICT DO UPDATE SET status = excluded.status")
            .With("$s", seq).With("$st", status);
        command.ExecuteNonQuery();
    }

    /// <summary>The bucket's replication rules as of this transaction, or null when it has none.</summary>
    public static ReplicationConfiguration? Configuration(WriteTransaction tx, long bucketId)
    {
        string stored;
        using (var command = tx.Command("SELECT document FROM bucket_configs WHERE bucket_id = $b AND kind = 'replication'").With("$b", bucketId))
        {
            if (command.ExecuteScalar() is not string text) return null;
            stored = text;
        }
        return Parse(stored);
    }

    public static ReplicationConfiguration Parse(string stored)
    {
        if (Parsed.TryGetValue(stored, out var known)) return known;
        if (Parsed.Count > 1024) Parsed.Clear(); // documents replaced over a long run: start again rather than grow
        return Parsed[stored] = ReplicationConfiguration.Deserialize(stored);
    }

    internal const string Kind = BucketConfigKind.Replication;
}
