namespace Strata.Client.Recovery;

/// <summary>One key that could not be recovered, with the reason in plain words.</summary>
/// <param name="Key">The key.</param>
/// <param name="Step">What was attempted: copy, add-delete-marker, remove-delete-marker, download, refused.</param>
/// <param name="Message">Why it failed and what fixes it.</param>
public sealed record RecoveryFailure(string Key, string Step, string Message);

/// <summary>What a recovery did: the plan it carried out, the changes made, every failure.</summary>
/// <param name="Plan">The steps the run found and attempted (it walks the history again, so it is current).</param>
/// <param name="Succeeded">Steps that completed.</param>
/// <param name="BytesDone">Bytes moved by completed steps.</param>
/// <param name="Failures">Every failed or refused step.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record RecoveryReport(RecoveryPlan Plan, long Succeeded, long BytesDone, IReadOnlyList<RecoveryFailure> Failures, TimeSpan Elapsed)
{
    /// <summary>True when nothing failed: the exit code a script can trust is 0.</summary>
    public bool Ok => Failures.Count == 0;
}

/// <summary>Live counters of a running recovery, safe to read from another thread (a progress bar polls them).</summary>
public sealed class RecoveryProgress
{
    private long _done;
    private long _bytes;
    private long _failed;
    private long _scanned;

    /// <summary>Steps finished, failed ones included.</summary>
    public long StepsDone => Interlocked.Read(ref _done);

    /// <summary>Bytes moved by completed steps.</summary>
    public long BytesDone => Interlocked.Read(ref _bytes);

    /// <summary>Steps that failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Keys walked so far.</summary>
    public long KeysScanned => Interlocked.Read(ref _scanned);

    internal void KeyScanned() => Interlocked.Increment(ref _scanned);

    internal void KeysWalked(long count) => Interlocked.Add(ref _scanned, count);

    internal void Completed(long bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _done);
    }

    internal void FailedOne()
    {
        Interlocked.Increment(ref _failed);
        Interlocked.Increment(ref _done);
    }
}
