using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Strata.Engine.Backup;

/// <summary>What one backup run did.</summary>
/// <param name="Generation">The backup's number in its destination: 1 for the first run, one more for each incremental run.</param>
/// <param name="MissingBlobs">Blob files the metadata names that the data directory no longer has (left out; see `strata admin scrub`).</param>
public sealed record BackupReport(string Destination, int Generation, int Schema, long Versions, int Blobs, long BlobBytes,
    int BlobsLinked, int BlobsCopied, int BlobsKept, int BlobsRemoved, long BytesCopied, int OtherFiles, IReadOnlyList<string> MissingBlobs, TimeSpan Elapsed);

/// <summary>
/// One backup of a data directory into DEST: a consistent metadata snapshot, then exactly the blobs it names, then the
/// small files a data directory needs (secret.key, root-credentials.json, tls/…), then the manifest.
///
/// Why nothing named can be lost while the server writes (the argument docs/RELIABILITY.md repeats):
/// 1. The unlink hold is engaged before the snapshot's read transaction starts.
/// 2. A blob the snapshot names had its row committed before the snapshot, and its file was sealed (fsynced) before that commit.
/// 3. Its file is unlinked only after a commit that stops naming it; that commit is later than the snapshot, so its unlink
///    comes after the hold was engaged and waits until the blobs are linked or copied.
/// 4. Blob files are never rewritten once sealed, so a link or a copy taken any time after the snapshot has the snapshot's bytes.
///
/// Why an interrupted run leaves the previous backup whole: a run adds files only (a new snapshot-N folder, blobs the previous
/// manifest does not name), commits the new manifest by an atomic rename after making all of them durable (one syncfs), and only then removes what
/// the new manifest no longer names. The next run removes whatever an interrupted one left.
/// </summary>
internal static class BackupRun
{
    private static readonly HashSet<string> NotCopied = ["lock", "metadata.db", "metadata.db-wal", "metadata.db-shm", "metadata.db-journal"];

    /// <param name="holdUnlinks">Engages the unlink hold of a serving engine; null offline, where the lock keeps every writer out.</param>
    /// <param name="copy">Copy every blob even where a hard link is possible: a hard link shares the data directory's disk blocks.</param>
    public static BackupReport Run(string dataDirectory, string destination, bool copy, Func<IDisposable>? holdUnlinks, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (data, dest) = CheckDestination(dataDirectory, destination);
        var database = Path.Combine(data, "metadata.db");
        if (!File.Exists(database)) throw new BackupRefusedException($"{data} is not a Strata data directory (it has no metadata.db); nothing was backed up.");
        if (File.Exists(dest)) throw new BackupRefusedException($"The backup destination {dest} is a file, not a directory.", usage: true);

        Directory.CreateDirectory(dest);
        using var destinationLock = BackupFiles.LockDestination(dest);
        var previous = BackupManifest.TryRead(dest);
        if (previous is null) RefuseForeignContent(dest);
        var generation = (previous?.Generation ?? 0) + 1;
        var snapshotFolder = BackupManifest.SnapshotFolder(generation);
        var snapshotDirectory = Path.Combine(dest, snapshotFolder);
        if (Directory.Exists(snapshotDirectory)) Directory.Delete(snapshotDirectory, recursive: true); // an interrupted run's
        Directory.CreateDirectory(snapshotDirectory);

        var kept = previous?.Files.Where(f => f.Path.StartsWith("blobs/", StringComparison.Ordinal)).ToDictionary(f => f.Path) ?? [];
        var files = new List<BackupEntry>();
        var snapshotPath = Path.Combine(snapshotDirectory, "metadata.db");
        SnapshotContents contents;
        var missing = new List<string>();
        int linked = 0, copied = 0, reused = 0;
        long blobBytes = 0, bytesCopied = 0;
        var touched = new HashSet<string>(StringComparer.Ordinal) { Path.Combine(dest, "blobs") };
        Directory.CreateDirectory(Path.Combine(dest, "blobs"));
        using (holdUnlinks?.Invoke())
        {
            contents = Snapshot(database, snapshotPath);
            var link = !copy;
            foreach (var blobId in contents.BlobIds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = "blobs/" + blobId[..2] + "/" + blobId;
                var target = Path.Combine(dest, relative);
                if (kept.TryGetValue(relative, out var entry) && new FileInfo(target) is { Exists: true } existing && existing.Length == entry.Size)
                {
                    files.Add(entry); // blobs are immutable: the copy the previous manifest checked is this blob's bytes
                    blobBytes += entry.Size;
                    reused++;
                    continue;
                }
                var shard = Path.GetDirectoryName(target)!;
                if (touched.Add(shard)) Directory.CreateDirectory(shard);
                var placed = BackupFiles.Place(Path.Combine(data, "blobs", blobId[..2], blobId), target, ref link);
                if (placed is not { } p)
                {
                    missing.Add(blobId);
                    continue;
                }
                files.Add(new BackupEntry(relative, relative, p.Size, p.Sha256, null));
                blobBytes += p.Size;
                if (link) linked++;
                else
                {
                    copied++;
                    bytesCopied += p.Size;
                }
            }
        } // deferred unlinks run here

        var (dbSize, dbSha) = BackupFiles.Hash(snapshotPath);
        files.Add(new BackupEntry(snapshotFolder + "/metadata.db", "metadata.db", dbSize, dbSha, null));
        var others = CopyOtherFiles(data, snapshotDirectory, snapshotFolder, files, touched, cancellationToken);
        BackupFiles.MakeDurable(dest); // the snapshot (SQLite's own syncing aside), links, copies and their folders

        cancellationToken.ThrowIfCancellationRequested();
        var manifest = new BackupManifest
        {
            Generation = generation, Created = DateTimeOffset.UtcNow, Source = data, Schema = contents.Schema, Versions = contents.Versions, Files = files,
        };
        manifest.Commit(dest);
        var removed = RemoveUnnamed(dest, snapshotFolder, files);
        return new BackupReport(dest, generation, contents.Schema, contents.Versions, contents.BlobIds.Count, blobBytes, linked, copied, reused, removed,
            bytesCopied, others, missing, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Refuses, as a wrong argument, a destination that is relative, inside the data directory, or holds it: the backup would
    /// copy itself, and removing what the new manifest no longer names would reach the server's own files.
    /// </summary>
    public static (string Data, string Destination) CheckDestination(string dataDirectory, string destination)
    {
        var data = BackupFiles.Canonical(dataDirectory);
        if (!Path.IsPathFullyQualified(destination)) throw new BackupRefusedException($"The backup destination must be an absolute path, not '{destination}'.", usage: true);
        var dest = BackupFiles.Canonical(destination);
        if (BackupFiles.IsWithin(dest, data)) throw new BackupRefusedException($"The backup destination {dest} is inside the data directory {data}; choose a directory outside it.", usage: true);
        if (BackupFiles.IsWithin(data, dest)) throw new BackupRefusedException($"The data directory {data} is inside the backup destination {dest}; choose another destination.", usage: true);
        return (data, dest);
    }

    private sealed record SnapshotContents(int Schema, long Versions, List<string> BlobIds);

    /// <summary>
    /// SQLite's online backup API copies every page inside one read transaction, so the copy is one committed state even
    /// while the committer writes (WAL lets it go on). The blob list and counts are then read from the copy itself.
    /// </summary>
    private static SnapshotContents Snapshot(string database, string snapshotPath)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = snapshotPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        source.Open();
        target.Open();
        source.BackupDatabase(target);
        source.Close();
        // One self-contained file: no -wal beside it to lose or forget.
        Execute(target, "PRAGMA journal_mode=DELETE;");
        var schema = Convert.ToInt32(Scalar(target, "PRAGMA user_version;"));
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var list = target.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var r = list.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        var versions = tables.Contains("versions") ? Convert.ToInt64(Scalar(target, "SELECT COUNT(*) FROM versions")) : 0;
        // Every table whose rows name blob files (the start-up sweep keeps exactly these).
        var sources = new[] { "versions", "parts", "version_parts" }.Where(tables.Contains).Select(t => $"SELECT blob_id FROM {t} WHERE blob_id IS NOT NULL");
        var ids = new List<string>();
        var union = string.Join(" UNION ", sources);
        if (union.Length > 0)
        {
            using var query = target.CreateCommand();
            query.CommandText = union + " ORDER BY 1";
            using var r = query.ExecuteReader();
            while (r.Read())
            {
                var id = r.GetString(0);
                if (id.Length == 32) ids.Add(id);
            }
        }
        target.Close();
        return new SnapshotContents(schema, versions, ids);
    }

    /// <summary>What else a data directory needs to serve as before: secret.key (0600), root-credentials.json, tls/…; never the lock.</summary>
    private static int CopyOtherFiles(string data, string snapshotDirectory, string snapshotFolder, List<BackupEntry> files, HashSet<string> touched,
        CancellationToken cancellationToken)
    {
        var count = 0;
        var blobs = Path.Combine(data, "blobs");
        foreach (var path in Directory.EnumerateFiles(data, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(data, path).Replace('\\', '/');
            if (NotCopied.Contains(relative) || BackupFiles.IsWithin(path, blobs)) continue;
            var mode = OperatingSystem.IsWindows() ? (UnixFileMode?)null : File.GetUnixFileMode(path);
            var target = Path.Combine(snapshotDirectory, "files", relative);
            var folder = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(folder);
            touched.Add(folder);
            if (BackupFiles.Copy(path, target, mode) is not { } copied) continue; // removed meanwhile (a pending MFA reset note)
            files.Add(new BackupEntry(snapshotFolder + "/files/" + relative, relative, copied.Size, copied.Sha256, mode));
            count++;
        }
        return count;
    }

    // A destination that is neither empty nor a backup (nor what an interrupted first run left) is someone's directory.
    private static void RefuseForeignContent(string dest)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(dest))
        {
            var name = Path.GetFileName(entry);
            if (name is "backup.lock" or "blobs" or "manifest.json.tmp" || name.StartsWith("snapshot-", StringComparison.Ordinal)) continue;
            throw new BackupRefusedException($"{dest} is not empty and is not a Strata backup (it has no {BackupManifest.FileName}); choose an empty or new directory.");
        }
    }

    /// <summary>After the manifest is committed: older snapshot folders and blobs the new manifest does not name.</summary>
    private static int RemoveUnnamed(string dest, string snapshotFolder, List<BackupEntry> files)
    {
        foreach (var folder in Directory.EnumerateDirectories(dest, "snapshot-*"))
        {
            if (Path.GetFileName(folder) != snapshotFolder) Directory.Delete(folder, recursive: true);
        }
        var named = new HashSet<string>(files.Select(f => f.Path), StringComparer.Ordinal);
        var removed = 0;
        foreach (var shard in Directory.EnumerateDirectories(Path.Combine(dest, "blobs")))
        {
            foreach (var file in Directory.EnumerateFiles(shard))
            {
                if (named.Contains("blobs/" + Path.GetFileName(shard) + "/" + Path.GetFileName(file))) continue;
                File.Delete(file);
                if (!file.EndsWith(".partial", StringComparison.Ordinal)) removed++;
            }
            if (!Directory.EnumerateFileSystemEntries(shard).Any()) Directory.Delete(shard);
        }
        return removed;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
