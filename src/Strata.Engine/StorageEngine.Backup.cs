using Strata.Engine.Backup;

namespace Strata.Engine;

public sealed partial class StorageEngine
{
    private readonly SemaphoreSlim _backupGate = new(1, 1);

    /// <summary>
    /// Backs the serving data directory up into <paramref name="destination"/> (an absolute path on this machine) while
    /// writes go on: a consistent metadata snapshot and the blobs it names, held from unlinking until copied (see BackupRun).
    /// </summary>
    /// <param name="copy">Copy blobs even where hard links are possible.</param>
    /// <exception cref="BackupRefusedException">A backup is already running, or the destination cannot be used.</exception>
    public async Task<BackupReport> BackupAsync(string destination, bool copy, CancellationToken cancellationToken)
    {
        if (!await _backupGate.WaitAsync(0, cancellationToken)) throw new BackupRefusedException("A backup of this server is already running; wait for it to finish.");
        try
        {
            return await Task.Run(() => BackupRun.Run(_options.DataDirectory.Directory, destination, copy, Blobs.Unlinks.Engage, cancellationToken), cancellationToken);
        }
        finally
        {
            _backupGate.Release();
        }
    }

    /// <summary>Refuses a destination that is relative or overlaps the data directory (checked before the directory's lock is tried).</summary>
    public static void CheckBackupDestination(string dataDirectory, string destination) => BackupRun.CheckDestination(dataDirectory, destination);

    /// <summary>Backs up a data directory no server holds (the caller holds its lock, so nothing writes meanwhile). It is not opened or migrated.</summary>
    public static BackupReport BackupOffline(DataDirectoryLock held, string destination, bool copy, CancellationToken cancellationToken) =>
        BackupRun.Run(held.Directory, destination, copy, holdUnlinks: null, cancellationToken);
}
