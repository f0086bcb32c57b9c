using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Strata.Engine;

/// <summary>
/// The one process that may use a data directory: an exclusive lock on DATA/lock, held for the owner's life.
/// Taken before anything in the directory is read, created or swept: a second server on the same directory
/// swept the first one's unfinished upload as an orphan, and the upload was then acknowledged with its bytes
/// gone (issue #11). The kernel releases the lock on any exit, SIGKILL included, so a crash never leaves the
/// directory locked.
/// </summary>
public sealed partial class DataDirectoryLock : IDisposable
{
    public const string FileName = "lock";

    private readonly SafeFileHandle _handle;

    private DataDirectoryLock(string directory, SafeFileHandle handle)
    {
        Directory = directory;
        _handle = handle;
    }

    /// <summary>The data directory's full path.</summary>
    public string Directory { get; }

    /// <summary>
    /// Creates the directory if needed and locks it, or refuses with a sentence a person can act on: another
    /// process holds it (named by its pid), the path is a file, or the directory cannot be created or written.
    /// </summary>
    /// <exception cref="DataDirectoryRefusedException">The directory cannot be used by this process.</exception>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var directory = Path.GetFullPath(dataDirectory);
        if (File.Exists(directory)) throw new DataDirectoryRefusedException($"The data directory {directory} is a file, not a directory.");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var ancestor = Path.GetDirectoryName(directory);
            while (ancestor is not null && !Path.Exists(ancestor)) ancestor = Path.GetDirectoryName(ancestor);
            var reason = ancestor is not null && File.Exists(ancestor) ? $"{ancestor} is a file." : Reason(e);
            throw new DataDirectoryRefusedException($"The data directory {directory} cannot be created: {reason}");
        }

        var path = Path.Combine(directory, FileName);
        SafeFileHandle handle;
        try
        {
            // .NET takes flock(LOCK_EX | LOCK_NB) on a file opened with FileShare.None (on Unix), which another
            // process's open with the same share fails on at once.
            handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataDirectoryRefusedException($"The data directory {directory} cannot be written: {Reason(e)}");
        }
        catch (IOException e) when (IsSharingViolation(e))
        {
            var holder = ReadHolder(path);
            throw new DataDirectoryRefusedException(
                $"The data directory {directory} is in use by another Strata process{(holder is null ? "" : $" (pid {holder})")}; one server per data directory.");
        }
        catch (IOException e)
        {
            throw new DataDirectoryRefusedException($"The data directory {directory} cannot be written: {Reason(e)}");
        }

        try
        {
            // The holder's pid, for the refusal above and for a person running `cat DATA/lock`.
            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pid, 0);
        }
        catch (IOException e)
        {
            handle.Dispose();
            throw new DataDirectoryRefusedException($"The data directory {directory} cannot be written: {Reason(e)}");
        }
        return new DataDirectoryLock(directory, handle);
    }

    /// <summary>Releases the lock (the file stays: removing it would let two processes lock two different files).</summary>
    public void Dispose() => _handle.Dispose();

    // EWOULDBLOCK from flock surfaces as a sharing violation; .NET sets no HResult for it on Unix, so its
    // message is the only sign, unlike a plain I/O error (EROFS, EIO), which carries errno's text.
    private static bool IsSharingViolation(IOException e) =>
        e.HResult == unchecked((int)0x80070020) || e.Message.Contains("being used by another process", StringComparison.Ordinal);

    private static string Reason(Exception e) => e.Message.TrimEnd('.') + ".";

    // Opened without .NET's FileStream, which would ask for a shared flock and be refused while the holder has it.
    private static int? ReadHolder(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        var fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0) return null;
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        Span<byte> buffer = stackalloc byte[32];
        var read = RandomAccess.Read(handle, buffer, 0);
        return int.TryParse(Encoding.ASCII.GetString(buffer[..read]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}

/// <summary>A data directory this process must not use, with the reason in plain words (exit 1 at start-up).</summary>
public sealed class DataDirectoryRefusedException(string message) : Exception(message);
