namespace Strata.Engine.Metadata;

/// <summary>
/// What committed writes tell the rest of the process, each raised once the batch that holds the write is durable (as
/// an <see cref="WriteTransaction.AfterCommit"/> action). One per engine, reached by a write through
/// <see cref="WriteTransaction.Notices"/>.
/// </summary>
internal sealed class WriteNotices
{
    /// <summary>A version or delete marker was queued for replication: the replicator sends it now instead of at its next poll.</summary>
    public event Action? ReplicationQueued;

    public void RaiseReplicationQueued() => ReplicationQueued?.Invoke();
}
