namespace Strata.Server.Background;

/// <summary>How the replicator sends (`strata serve --replication-*`).</summary>
internal sealed record ReplicationSettings(string DataDirectory, string Region)
{
    /// <summary>Sends kept in flight (each of a different key); a key's versions always go one after another, in commit order.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>The longest wait between two scheduled attempts of a failing item (the backoff doubles up to it, with jitter).</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Objects larger than this go as a multipart upload of <see cref="PartSize"/> parts.</summary>
    public long MultipartThreshold { get; init; } = 64L * 1024 * 1024;

    public long PartSize { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// How often an idle replicator looks for items whose retry came due. New items do not wait for it: the write that queues
    /// one wakes the replicator once it is durable.
    /// </summary>
    public TimeSpan PollInterval { get; init; }

    /// <summary>Sends that failed this many times show FAILED (before, a passing glitch shows PENDING).</summary>
    public int FailedAfter { get; init; } = 3;
}
