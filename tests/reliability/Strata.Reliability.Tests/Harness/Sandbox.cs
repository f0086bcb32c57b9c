namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// A temporary folder that holds the server's working directory and, inside it, its data directory:
/// root/work/data. Anything the server writes outside data/ (a key used as a path, a stray log file)
/// shows up as an extra entry in root/ or root/work/.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    public Sandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "strata-rel-" + Guid.NewGuid().ToString("N")[..12]);
        WorkingDirectory = Path.Combine(Root, "work");
        DataDirectory = Path.Combine(WorkingDirectory, "data");
        Directory.CreateDirectory(DataDirectory);
    }

    public string Root { get; }
    public string WorkingDirectory { get; }
    public string DataDirectory { get; }
    public string BlobDirectory => Path.Combine(DataDirectory, "blobs");

    /// <summary>More environment variables for the servers started in this sandbox (the power-loss shim's LD_PRELOAD).</summary>
    public Dictionary<string, string> ServerEnvironment { get; } = [];

    /// <summary>Every blob file's id (its file name) under data/blobs/.</summary>
    public List<string> BlobFiles() => Directory.Exists(BlobDirectory)
        ? Directory.EnumerateFiles(BlobDirectory, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).ToList()
        : [];

    /// <summary>
    /// Files and folders that are not the server's own: the data directory holds only metadata.db (with its
    /// WAL and shared-memory files), root-credentials.json, secret.key (the key that seals stored secrets), lock,
    /// tls/ (a generated HTTPS certificate) and blobs/xx/&lt;32 hex&gt;; nothing sits beside it.
    /// </summary>
    public List<string> StrayEntries()
    {
        var stray = new List<string>();
        stray.AddRange(Directory.EnumerateFileSystemEntries(Root).Where(p => p != WorkingDirectory));
        stray.AddRange(Directory.EnumerateFileSystemEntries(WorkingDirectory).Where(p => p != DataDirectory));
        foreach (var entry in Directory.EnumerateFileSystemEntries(DataDirectory))
        {
            var name = Path.GetFileName(entry);
            if (name is "metadata.db" or "metadata.db-wal" or "metadata.db-shm" or "metadata.db-journal" or "root-credentials.json" or "secret.key" or "lock") continue;
            if (name is "blobs" or "tls" && Directory.Exists(entry)) continue;
            stray.Add(entry);
        }
        if (!Directory.Exists(BlobDirectory)) return stray;
        stray.AddRange(Directory.EnumerateFiles(BlobDirectory));
        foreach (var shard in Directory.EnumerateDirectories(BlobDirectory))
        {
            var shardName = Path.GetFileName(shard);
            if (shardName.Length != 2) stray.Add(shard);
            stray.AddRange(Directory.EnumerateDirectories(shard));
            foreach (var file in Directory.EnumerateFiles(shard))
            {
                var id = Path.GetFileName(file);
                if (id.Length != 32 || !id.StartsWith(shardName, StringComparison.Ordinal) || !id.All(char.IsAsciiHexDigitLower)) stray.Add(file);
            }
        }
        return stray;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
