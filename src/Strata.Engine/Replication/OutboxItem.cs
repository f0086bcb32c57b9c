using Strata.Core;

namespace Strata.Engine.Replication;

/// <summary>One queued replication: a version (or delete marker) of a key, the rule that chose it and where it goes.</summary>
/// <param name="Attempts">Sends that failed before this one: above 0 the destination may already hold it (checked before sending again).</param>
public sealed record OutboxItem(long Id, BucketName Bucket, ObjectKey Key, long Seq, VersionId VersionId, bool IsDeleteMarker, long Size,
    string Rule, string Destination, DateTimeOffset Queued, int Attempts);

/// <summary>A bucket's replication backlog for `strata admin replication status`.</summary>
public sealed record ReplicationBacklog(long Versions, long Bytes, DateTimeOffset? OldestQueued, long Failed, IReadOnlyList<OutboxFailure> Failures);

/// <summary>A queued item whose last send failed, with the destination's error.</summary>
public sealed record OutboxFailure(ObjectKey Key, VersionId VersionId, bool IsDeleteMarker, int Attempts, string Error, DateTimeOffset NextAttempt);

/// <summary>A remote S3 endpoint replication may send to; the secret is only ever opened for the replicator's client.</summary>
public sealed record RemoteTarget(string Name, string Endpoint, string Region, bool PathStyle, string? CaBundlePem, string AccessKeyId, DateTimeOffset Created);
