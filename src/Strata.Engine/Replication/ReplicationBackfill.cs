using Strata.Core;
using Strata.Core.Replication;
using Strata.Core.Tagging;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine.Replication;

/// <summary>`strata replicate`: queues a bucket's existing versions, a page of the versions table per transaction.</summary>
internal static class ReplicationBackfill
{
    public readonly record struct Page(long Queued, long? LastSeq);

    public static Page QueuePage(WriteTransaction tx, BucketName bucket, ReplicationConfiguration configuration, ReplicationRule? only, long afterSeq, int limit,
        DateTimeOffset now)
    {
        var (bucketId, _) = StackWrites.Bucket(tx, bucket);
        var candidates = new List<(long Seq, byte[] Key, string VersionId, bool IsMarker, long Size, string? Tags)>();
        long? last = null;
        // Never queued (no status), or FAILED and no longer waiting; a REPLICA is never sent on.
        using (var command = tx.Command("""
            SELECT v.seq, v.key, v.version_id, v.is_marker, v.size, v.tags, s.status,
                   EXISTS (SELECT 1 FROM replication_outbox o WHERE o.seq = v.seq)
            FROM versions v LEFT JOIN replication_status s ON s.seq = v.seq
            WHERE v.bucket_id = $b AND v.seq > $after ORDER BY v.seq LIMIT $n
            """).With("$b", bucketId).With("$after", afterSeq).With("$n", limit))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                last = r.GetInt64(0);
                var status = r.IsDBNull(6) ? null : r.GetString(6);
                if (r.GetInt64(7) != 0 || status is not (null or ReplicationStatus.Failed)) continue;
                candidates.Add((r.GetInt64(0), (byte[])r.GetValue(1), r.GetString(2), r.GetInt64(3) != 0, r.GetInt64(4), r.IsDBNull(5) ? null : r.GetString(5)));
            }
        }
        long queued = 0;
        foreach (var c in candidates)
        {
            var key = ObjectKey.FromUtf8(c.Key);
            var tags = TagSet.Deserialize(c.Tags).Tags;
            var rule = only is null ? configuration.Match(key.Value, tags, c.IsMarker) : Chosen(only, key.Value, tags, c.IsMarker);
            if (rule is null) continue;
            VersionId.TryParse(c.VersionId, out var versionId);
            ReplicationOutbox.Enqueue(tx, bucketId, c.Key, c.Seq, versionId, c.IsMarker, c.Size, rule, now);
            queued++;
        }
        return new Page(queued, last);
    }

    private static ReplicationRule? Chosen(ReplicationRule rule, string key, IReadOnlyList<Tag> tags, bool isMarker)
    {
        if (!rule.Enabled) return null;
        if (isMarker) return rule.ReplicatesDeleteMarkers && rule.Filter.Tags.Count == 0 && rule.Filter.Matches(key, []) ? rule : null;
        return rule.Filter.Matches(key, tags) ? rule : null;
    }
}
