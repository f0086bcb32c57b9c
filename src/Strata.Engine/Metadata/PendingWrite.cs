namespace Strata.Engine.Metadata;

/// <summary>One write waiting in the committer's queue, then for the sync that makes its batch durable.</summary>
internal abstract class PendingWrite
{
    public Exception? Refused { get; set; }
    public abstract void Apply(WriteTransaction write);

    /// <summary>Answers the caller: its result, or the refusal its savepoint rolled back.</summary>
    public abstract void Complete();

    /// <summary>Answers the caller with an error: the batch was not (or cannot be known to be) durable.</summary>
    public abstract void Fail(Exception error);
}

internal sealed class PendingWrite<T>(Func<WriteTransaction, T> apply) : PendingWrite
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _done.Task;

    public override void Apply(WriteTransaction write) => _result = apply(write);

    public override void Complete()
    {
        if (Refused is not null) _done.TrySetException(Refused);
        else _done.TrySetResult(_result!);
    }

    public override void Fail(Exception error) => _done.TrySetException(error);
}

/// <summary>
/// A batch whose COMMIT returned but whose WAL frames may still be in the page cache: its answers and its
/// after-commit work (unlinking replaced blobs) wait for the WAL sync that follows.
/// </summary>
internal sealed record CommittedBatch(List<PendingWrite> Writes, List<Action> AfterCommit);
