using System.Diagnostics;

namespace Strata.Engine.Backup;

/// <summary>What `strata restore-data` rebuilt.</summary>
public sealed record RestoreReport(string DataDirectory, int Generation, DateTimeOffset Created, int Schema, long Versions, int Files, long Bytes, TimeSpan Elapsed);

/// <summary>
/// Rebuilds a data directory from a backup: every file the manifest names is copied to where it belongs and checked
/// against its size and SHA-256 on the way. The new directory is locked as `strata serve` locks it, so no server starts on
/// it half-built; metadata.db comes last, and any mismatch or failure removes what was written, so the directory is
/// either complete or absent.
/// </summary>
public static class DataRestore
{
    /// <exception cref="BackupRefusedException">Not a backup, a damaged one, or a target directory that is not empty.</exception>
    /// <exception cref="DataDirectoryRefusedException">The target directory cannot be created or is held by a server.</exception>
    public static RestoreReport Run(string backupDirectory, string dataDirectory, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var backup = Path.GetFullPath(backupDirectory);
        if (!Directory.Exists(backup)) throw new BackupRefusedException($"{backup} does not exist; nothing was restored.");
        var manifest = BackupManifest.TryRead(backup)
            ?? throw new BackupRefusedException($"{backup} is not a Strata backup (it has no {BackupManifest.FileName}); nothing was restored.");
        var target = Path.GetFullPath(dataDirectory);
        var existed = Directory.Exists(target);
        if (File.Exists(target) || (existed && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new BackupRefusedException($"{target} is not empty; restore into a new or empty directory (nothing was changed).");
        }

        long bytes = 0;
        var held = DataDirectoryLock.Acquire(target);
        try
        {
            var touched = new HashSet<string>(StringComparer.Ordinal) { target };
            // metadata.db last: until it is there, the directory does not look like one a server wrote.
            foreach (var entry in manifest.Files.OrderBy(f => f.RestoreAs == "metadata.db" ? 1 : 0))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.RestoreAs == "metadata.db") BackupFiles.MakeDurable(target); // everything it names first
                var source = Inside(backup, entry.Path);
                var destination = Inside(target, entry.RestoreAs);
                if (entry.RestoreAs == DataDirectoryLock.FileName) throw Damaged(backup, entry.Path);
                var folder = Path.GetDirectoryName(destination)!;
                if (touched.Add(folder)) Directory.CreateDirectory(folder);
                var copied = BackupFiles.Copy(source, destination, entry.Mode)
                    ?? throw new BackupRefusedException($"The backup {backup} is incomplete: {entry.Path} is missing; nothing was restored.");
                if (copied.Size != entry.Size || copied.Sha256 != entry.Sha256) throw Damaged(backup, entry.Path);
                bytes += copied.Size;
            }
            BackupFiles.MakeDurable(target);
        }
        catch
        {
            held.Dispose();
            RemoveContents(target, existed);
            throw;
        }
        held.Dispose();
        return new RestoreReport(target, manifest.Generation, manifest.Created, manifest.Schema, manifest.Versions, manifest.Files.Count, bytes,
            Stopwatch.GetElapsedTime(started));
    }

    private static BackupRefusedException Damaged(string backup, string path) =>
        new($"The backup {backup} is damaged: {path} does not match the size and SHA-256 its manifest records; nothing was restored.");

    // A manifest names relative paths below its own folder; anything else ("../x", "/etc/x") is not one this build wrote.
    private static string Inside(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (Path.IsPathRooted(relative) || !BackupFiles.IsWithin(full, root) || full == root)
        {
            throw new BackupRefusedException($"The backup manifest names '{relative}', outside its directory; nothing was restored.");
        }
        return full;
    }

    private static void RemoveContents(string target, bool existed)
    {
        try
        {
            if (!existed)
            {
                Directory.Delete(target, recursive: true);
                return;
            }
            foreach (var directory in Directory.EnumerateDirectories(target)) Directory.Delete(directory, recursive: true);
            foreach (var file in Directory.EnumerateFiles(target)) File.Delete(file);
        }
        catch (IOException)
        {
            // What remains is named in no manifest and holds no metadata.db: `strata serve` would not mistake it for data.
        }
    }
}
