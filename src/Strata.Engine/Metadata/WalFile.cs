using System.Runtime.InteropServices;
using Strata.Engine.Native;

namespace Strata.Engine.Metadata;

/// <summary>
/// A file descriptor of the metadata's WAL (metadata.db-wal), held for the engine's life, so the sync stage can
/// fdatasync exactly the file SQLite appends to. SQLite never replaces that file while a connection is open (no
/// journal_size_limit is set, and it is deleted only when the last connection closes), and it takes no POSIX
/// locks on it (its locks live on the database and -shm files), so holding and finally closing this descriptor
/// cannot drop a lock of SQLite's: closing any descriptor of a file drops the process's fcntl locks on that file.
/// </summary>
internal sealed class WalFile : IDisposable
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000; // O_CLOEXEC on Linux
    private int _fd;

    private WalFile(int fd) => _fd = fd;

    /// <summary>Opens the WAL of <paramref name="databasePath"/>; null off Linux, where commits sync themselves (synchronous=FULL).</summary>
    public static WalFile? Open(string databasePath)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var path = databasePath + "-wal";
        var fd = Libc.Open(path, ReadOnly | CloseOnExec);
        if (fd < 0) throw new IOException($"open({path}) for fdatasync failed: errno {Marshal.GetLastSystemError()}");
        return new WalFile(fd);
    }

    /// <summary>Makes every frame appended before this call durable (fdatasync also writes the file's new size).</summary>
    public void DataSync()
    {
        if (Libc.Fdatasync(_fd) != 0) throw new IOException($"fdatasync of the metadata WAL failed: errno {Marshal.GetLastSystemError()}");
    }

    public void Dispose()
    {
        if (_fd < 0) return;
        _ = Libc.Close(_fd);
        _fd = -1;
    }
}
