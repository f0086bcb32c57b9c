namespace Strata.Engine.Blobs;

/// <summary>
/// Coalesced directory fsyncs. A new blob file's directory entry is durable once an fsync of its directory has
/// started after the file was created; concurrent writers in the same shard folder therefore share one: callers
/// that arrive while a flush of their folder runs wait for the next one, which starts when it ends and covers them
/// all. Each request still waits for a flush that began after its own file existed, before its metadata commit.
/// </summary>
internal sealed class DirectoryFlusher
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Folder> _folders = new(StringComparer.Ordinal);

    public Task FlushAsync(string directory)
    {
        lock (_gate)
        {
            if (!_folders.TryGetValue(directory, out var folder)) _folders[directory] = folder = new Folder();
            var group = folder.Next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!folder.Running)
            {
                folder.Running = true;
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Flusher.Drain(state.Directory, state.Folder),
                    (Flusher: this, Directory: directory, Folder: folder), preferLocal: false);
            }
            return group.Task;
        }
    }

    private void Drain(string directory, Folder folder)
    {
        while (true)
        {
            TaskCompletionSource? group;
            lock (_gate)
            {
                group = folder.Next;
                folder.Next = null;
                if (group is null)
                {
                    folder.Running = false;
                    _folders.Remove(directory);
                    return;
                }
            }
            // Every caller in this group created its file before the group was taken, so before this fsync starts.
            try
            {
                Fsync.Flush(directory);
                group.TrySetResult();
            }
            catch (Exception error)
            {
                group.TrySetException(error);
            }
        }
    }

    private sealed class Folder
    {
        public bool Running;
        public TaskCompletionSource? Next;
    }
}
