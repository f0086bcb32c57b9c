namespace Strata.Core.Replication;

/// <summary>S3's x-amz-replication-status values, verbatim.</summary>
public static class ReplicationStatus
{
    /// <summary>Queued on the source, not yet on the destination.</summary>
    public const string Pending = "PENDING";
    public const string Completed = "COMPLETED";

    /// <summary>Sending failed; it is retried on a schedule (`strata admin replication retry` retries at once).</summary>
    public const string Failed = "FAILED";

    /// <summary>On the destination: the version was written by replication.</summary>
    public const string Replica = "REPLICA";
}
