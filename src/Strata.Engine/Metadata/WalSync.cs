namespace Strata.Engine.Metadata;

/// <summary>
/// The commit pipeline's second stage. The committer commits a batch with synchronous=NORMAL (COMMIT appends its
/// frames to the WAL without syncing) and hands it here; this stage's own thread fdatasyncs the WAL and only then
/// answers every batch that was committed before that sync started, and runs their after-commit work. While one
/// sync is in flight the committer applies and commits the next batch, so the disk is never idle waiting for the
/// committer, nor the committer for the disk. At most one committed batch waits for a sync to start: the committer
/// holds the next one back until then (<see cref="WaitForRoomAsync"/>), so the writes that arrive meanwhile share
/// one transaction instead of many small ones.
/// WAL frames are appended in commit order and fdatasync covers everything written before it, so a sync that
/// started after a batch's COMMIT returned makes that batch, and every earlier one, durable. Checkpoints cannot
/// undo that: see docs/ARCHITECTURE.md, "The commit pipeline".
/// </summary>
internal sealed class WalSync : IDisposable
{
    private readonly WalFile? _wal;
    private readonly Action? _afterSync;
    private readonly object _gate = new(); // a Monitor, for Wait and PulseAll
    private readonly Thread _thread;
    private List<CommittedBatch> _waiting = [];
    private TaskCompletionSource? _room;
    private bool _completed;
    private Exception? _broken;

    /// <param name="afterSync">Runs after each sync on this stage's thread (nudges the checkpointer).</param>
    public WalSync(WalFile? wal, Action? afterSync)
    {
        _wal = wal;
        _afterSync = afterSync;
        _thread = new Thread(Run) { IsBackground = true, Name = "strata WAL sync" };
        _thread.Start();
    }

    /// <summary>
    /// Set once a sync has failed. The kernel may have dropped the unsynced pages and a later fdatasync could then
    /// succeed without them, so nothing committed after this point can be known durable: every later write is refused.
    /// </summary>
    public Exception? Broken => Volatile.Read(ref _broken);

    /// <summary>Hands over a committed batch; it is answered after the next sync.</summary>
    public void Add(CommittedBatch batch)
    {
        lock (_gate)
        {
            _waiting.Add(batch);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Completes once no committed batch is waiting for a sync to start (the next commit will wait for the next sync).</summary>
    public Task WaitForRoomAsync()
    {
        lock (_gate)
        {
            if (_waiting.Count == 0) return Task.CompletedTask;
            return (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private void Run()
    {
        while (true)
        {
            List<CommittedBatch> round;
            TaskCompletionSource? room;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_completed) Monitor.Wait(_gate);
                if (_waiting.Count == 0) return;
                round = _waiting;
                _waiting = [];
                room = _room;
                _room = null;
            }
            room?.TrySetResult();
            var error = Sync();
            foreach (var batch in round) Answer(batch, error);
            if (error is null) _afterSync?.Invoke();
        }
    }

    private Exception? Sync()
    {
        if (_broken is { } broken) return broken;
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _wal?.DataSync();
            Diagnostics.EngineMetrics.Fsynced("wal", started);
            return null;
        }
        catch (IOException error)
        {
            Volatile.Write(ref _broken, error);
            return error;
        }
    }

    private static void Answer(CommittedBatch batch, Exception? error)
    {
        if (error is not null)
        {
            // Committed and perhaps visible, but not known durable: the caller gets an InternalError, and the replaced
            // blobs stay (the start-up sweep removes those no row names).
            foreach (var pending in batch.Writes) pending.Fail(new IOException("The metadata sync failed.", error));
            return;
        }
        foreach (var action in batch.AfterCommit)
        {
            try
            {
                action();
            }
            catch (IOException)
            {
                // An unlink that failed leaves an orphan blob; the start-up sweep removes it.
            }
        }
        foreach (var pending in batch.Writes) pending.Complete();
    }

    /// <summary>Syncs and answers what is still waiting, then stops the thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
        _wal?.Dispose();
    }
}
