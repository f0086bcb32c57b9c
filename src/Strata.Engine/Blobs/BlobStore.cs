namespace Strata.Engine.Blobs;

/// <summary>
/// Object bytes in files named by internal ids (never by keys): blobs/ab/ab12….
/// A blob becomes reachable only when a committed metadata row names it, so a crash at any
/// moment leaves at worst an unreferenced file, which <see cref="SweepOrphans"/> removes at start.
/// </summary>
internal sealed class BlobStore
{
    private readonly string _root;
    private readonly DirectoryFlusher _directories = new();

    public BlobStore(string dataDirectory)
    {
        _root = Path.Combine(dataDirectory, "blobs");
        Unlinks = new UnlinkHold(blobId => Unlink(blobId, counted: true));
        if (!Directory.Exists(_root))
        {
            Directory.CreateDirectory(_root);
            Fsync.Flush(dataDirectory);
        }
    }

    /// <summary>The data directory's figures (blob files, and each bucket's versions) for /metrics and admin stats.</summary>
    public Diagnostics.StoreFigures Figures { get; } = new();

    public static string NewId() => Guid.NewGuid().ToString("N");

    public string PathOf(string blobId)
    {
        if (blobId.Length != 32) throw new ArgumentException("not a blob id", nameof(blobId));
        return Path.Combine(_root, blobId[..2], blobId);
    }

    /// <summary>
    /// Creates a blob's shard folder (blobs/ab/) the first time, fsyncing blobs/ so the new folder's entry
    /// survives power loss; the blob's own directory fsync happens when it is sealed.
    /// </summary>
    public void EnsureShardDirectory(string blobPath)
    {
        var shard = Path.GetDirectoryName(blobPath)!;
        if (Directory.Exists(shard)) return;
        Directory.CreateDirectory(shard);
        Fsync.Flush(_root);
    }

    /// <summary>Makes a new blob file's directory entry durable, sharing the fsync with concurrent writers in its folder.</summary>
    public Task FlushDirectoryOfAsync(string blobPath) => _directories.FlushAsync(Path.GetDirectoryName(blobPath)!);

    public BlobDraft CreateDraft(int inlineThreshold) => new(this, inlineThreshold);

    public Stream OpenRead(string blobId) => new FileStream(PathOf(blobId), new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.ReadWrite | FileShare.Delete,
        BufferSize = 0,
        Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
    });

    /// <summary>Held by a running backup: unlinks wait until it has copied the blobs its snapshot names.</summary>
    public UnlinkHold Unlinks { get; }

    /// <summary>Unlinks a blob whose metadata row is gone (later, while a backup holds unlinks). Readers that already opened it keep reading.</summary>
    /// <param name="sealed">False for a draft's file that was never sealed: no snapshot names it and <see cref="Figures"/> never counted it, so it goes at once.</param>
    public void Delete(string blobId, bool @sealed = true)
    {
        if (!@sealed) Unlink(blobId, counted: false);
        else if (!Unlinks.Defer(blobId)) Unlink(blobId, counted: true);
    }

    private void Unlink(string blobId, bool counted)
    {
        try
        {
            var file = new FileInfo(PathOf(blobId));
            var length = counted && file.Exists ? file.Length : -1;
            file.Delete();
            if (length >= 0) Figures.BlobDeleted(length);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Removes every blob file that no committed row references (crash leftovers).</summary>
    public int SweepOrphans(Func<string, bool> isReferenced)
    {
        var removed = 0;
        long kept = 0, keptBytes = 0;
        foreach (var dir in new DirectoryInfo(_root).EnumerateDirectories())
        {
            foreach (var file in dir.EnumerateFiles())
            {
                var id = file.Name;
                if (id.Length == 32 && isReferenced(id))
                {
                    kept++;
                    keptBytes += file.Length;
                    continue;
                }
                file.Delete();
                removed++;
            }
        }
        Figures.SetBlobs(kept, keptBytes);
        return removed;
    }
}
