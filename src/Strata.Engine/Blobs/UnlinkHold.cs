namespace Strata.Engine.Blobs;

/// <summary>
/// Holds off the unlink of blobs while a backup copies them. A backup takes its metadata snapshot after
/// engaging the hold, so every blob the snapshot names still has its file until the hold is released: the
/// commit that stops naming a blob is later than the snapshot, and the unlink that follows it is deferred here
/// (see docs/RELIABILITY.md, "Online backup"). Deferred unlinks run when the last hold is released; a crash in
/// between leaves orphan files, which the start-up sweep removes.
/// </summary>
internal sealed class UnlinkHold(Action<string> unlink)
{
    private readonly Lock _gate = new();
    private readonly List<string> _deferred = [];
    private int _holds;

    /// <summary>Defers every unlink from now until the returned handle is disposed.</summary>
    public IDisposable Engage()
    {
        lock (_gate) _holds++;
        return new Release(this);
    }

    /// <summary>True when the unlink of <paramref name="blobId"/> was deferred; false: unlink it now.</summary>
    public bool Defer(string blobId)
    {
        lock (_gate)
        {
            if (_holds == 0) return false;
            _deferred.Add(blobId);
            return true;
        }
    }

    private void Disengage()
    {
        string[] due;
        lock (_gate)
        {
            if (--_holds > 0) return;
            due = [.. _deferred];
            _deferred.Clear();
        }
        foreach (var blobId in due)
        {
            try
            {
                unlink(blobId);
            }
            catch (IOException)
            {
                // Left as an orphan: the start-up sweep removes it.
            }
        }
    }

    private sealed class Release(UnlinkHold hold) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) hold.Disengage();
        }
    }
}
