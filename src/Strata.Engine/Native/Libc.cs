using System.Runtime.InteropServices;

namespace Strata.Engine.Native;

/// <summary>
/// open, fsync, fdatasync and close looked up in the process's global scope, as a C program's calls are bound, and not
/// in libc's own table (which is what [LibraryImport("libc")] does): an interposer preloaded with LD_PRELOAD then sees
/// these calls like every other file call of the process. The power-loss test's shim
/// (tests/reliability/…/PowerLoss/powercut.c) relies on it: without it, the directory fsyncs and the WAL's fdatasync
/// were invisible to it. Linux only; errno is read with <see cref="Marshal.GetLastSystemError"/> right after a failure.
/// </summary>
internal static unsafe class Libc
{
    private static readonly nint Program = NativeLibrary.GetMainProgramHandle();
    private static readonly delegate* unmanaged<byte*, int, int> OpenPtr = (delegate* unmanaged<byte*, int, int>)NativeLibrary.GetExport(Program, "open");
    private static readonly delegate* unmanaged<int, int> FsyncPtr = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(Program, "fsync");
    private static readonly delegate* unmanaged<int, int> FdatasyncPtr = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(Program, "fdatasync");
    private static readonly delegate* unmanaged<int, int> ClosePtr = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(Program, "close");

    public static int Open(string path, int flags)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            Marshal.SetLastSystemError(0);
            return OpenPtr(p, flags);
        }
    }

    public static int Fsync(int fd)
    {
        Marshal.SetLastSystemError(0);
        return FsyncPtr(fd);
    }

    public static int Fdatasync(int fd)
    {
        Marshal.SetLastSystemError(0);
        return FdatasyncPtr(fd);
    }

    public static int Close(int fd) => ClosePtr(fd);
}
