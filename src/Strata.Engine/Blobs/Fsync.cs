using System.Runtime.InteropServices;
using Strata.Engine.Native;

namespace Strata.Engine.Blobs;

/// <summary>
/// fsync of a directory: .NET has no API for it, and without it a freshly created file's directory
/// entry can be lost at power failure even though the file's own bytes were flushed.
/// </summary>
internal static class Fsync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

    public static void DirectoryOf(string path) => Flush(Path.GetDirectoryName(path)!);

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Libc.Open(directory, ReadOnly | Directory);
        if (fd < 0) throw new IOException($"open({directory}) for fsync failed: errno {Marshal.GetLastSystemError()}");
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (Libc.Fsync(fd) != 0) throw new IOException($"fsync({directory}) failed: errno {Marshal.GetLastSystemError()}");
            Diagnostics.EngineMetrics.Fsynced("directory", started);
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
