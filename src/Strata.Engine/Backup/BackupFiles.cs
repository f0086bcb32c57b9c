using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Strata.Engine.Backup;

/// <summary>
/// The file work of backup and restore: hard links where the file system allows them, else copies that are
/// fsynced before they get their final name; SHA-256 of everything written; the destination's own lock.
/// </summary>
internal static partial class BackupFiles
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>
    /// Puts <paramref name="source"/> at <paramref name="target"/>: a hard link when <paramref name="link"/> is still true
    /// (it turns false for good when the file system refuses one, e.g. another device), else a copy. Returns the size
    /// and SHA-256 of what the target holds, or null when the source is gone.
    /// </summary>
    public static (long Size, string Sha256)? Place(string source, string target, ref bool link)
    {
        File.Delete(target); // a leftover of an interrupted run, never a file a committed manifest names
        if (link && OperatingSystem.IsLinux())
        {
            if (Link(source, target) == 0) return Hash(target);
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT && !File.Exists(source)) return null;
            if (errno is not (EXDEV or EPERM or EMLINK or EOPNOTSUPP)) throw new IOException($"Cannot link {source} to {target}: errno {errno}.");
            link = false;
        }
        else
        {
            link = false;
        }
        return Copy(source, target, mode: null);
    }

    /// <summary>
    /// Copies through TARGET.partial and renames it into place; null when the source is gone. On Linux the copy is made
    /// durable later, with everything else of the run, by <see cref="MakeDurable"/>; elsewhere it is fsynced here.
    /// </summary>
    public static (long Size, string Sha256)? Copy(string source, string target, UnixFileMode? mode)
    {
        FileStream input;
        try
        {
            input = new FileStream(source, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0, Options = FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var partial = target + ".partial";
        using (input)
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, BufferSize = 0 };
            if (mode is { } m && !OperatingSystem.IsWindows()) options.UnixCreateMode = m;
            using var output = new FileStream(partial, options);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            long size = 0;
            try
            {
                int read;
                while ((read = input.Read(buffer, 0, ChunkSize)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    output.Write(buffer, 0, read);
                    size += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            if (!OperatingSystem.IsLinux()) output.Flush(flushToDisk: true);
            if (mode is { } exact && !OperatingSystem.IsWindows()) File.SetUnixFileMode(output.SafeFileHandle, exact); // umask aside
            File.Move(partial, target, overwrite: true);
            return (size, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
    }

    public static (long Size, string Sha256) Hash(string path)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = ChunkSize, Options = FileOptions.SequentialScan,
        });
        return (stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>
    /// Makes every file and folder a run wrote under <paramref name="directory"/> durable before a manifest (or, on restore,
    /// metadata.db) names them: one syncfs of that file system. An fsync per file cost about 7 ms each on the benchmark's
    /// disk, four times the copy itself (bench/RESULTS.md); syncfs commits the journal once. Elsewhere than Linux each copy
    /// was fsynced as it was made.
    /// </summary>
    public static void MakeDurable(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(directory, 0x10000 /* O_RDONLY | O_DIRECTORY */);
        if (fd < 0) throw new IOException($"Cannot open {directory} to sync it: errno {Marshal.GetLastPInvokeError()}.");
        try
        {
            if (SyncFs(fd) != 0) throw new IOException($"Syncing the file system of {directory} failed: errno {Marshal.GetLastPInvokeError()}.");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// The path with symbolic links resolved, as far as it exists (the rest appended): "is DEST inside the data
    /// directory" must not be fooled by a link or a "..".
    /// </summary>
    public static string Canonical(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var existing = full;
        var rest = "";
        while (!Directory.Exists(existing) && !File.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return full;
            rest = Path.Combine(Path.GetFileName(existing), rest);
            existing = parent;
        }
        var resolved = new DirectoryInfo(existing).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? existing;
        if (OperatingSystem.IsLinux() && RealPath(resolved) is { } real) resolved = real;
        return Path.TrimEndingDirectorySeparator(rest.Length == 0 ? resolved : Path.Combine(resolved, rest));
    }

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or lies under it (both canonical).</summary>
    public static bool IsWithin(string inner, string outer) =>
        inner == outer || inner.StartsWith(outer.EndsWith('/') ? outer : outer + "/", StringComparison.Ordinal);

    /// <summary>
    /// DEST/backup.lock, held for a run: two backups writing into one destination at once (two servers, or an online
    /// and an offline run) would remove each other's files. Released by the kernel on any exit.
    /// </summary>
    public static SafeFileHandle LockDestination(string destination)
    {
        try
        {
            return File.OpenHandle(Path.Combine(destination, "backup.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == unchecked((int)0x80070020) || e.Message.Contains("being used by another process", StringComparison.Ordinal))
        {
            throw new BackupRefusedException($"Another backup is writing into {destination} right now; wait for it to finish.");
        }
    }

    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int EXDEV = 18;
    private const int EMLINK = 31;
    private const int EOPNOTSUPP = 95;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    private static string? RealPath(string path)
    {
        var result = RealPathNative(path, 0);
        if (result == 0) return null;
        try
        {
            return Marshal.PtrToStringUTF8(result);
        }
        finally
        {
            Free(result);
        }
    }
}
