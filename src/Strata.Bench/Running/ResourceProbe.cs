using System.Diagnostics;
using System.Globalization;

namespace Strata.Bench.Running;

internal readonly record struct ResourceDelta(
    TimeSpan ProcessCpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan GcPause,
    TimeSpan? ServerCpu, long? ServerRssPeakBytes, long? ServerHwmBytes);

/// <summary>
/// The bench process's own costs (CPU via Process.TotalProcessorTime, allocation via GC.GetTotalAllocatedBytes)
/// and the server's resident memory from /proc/&lt;pid&gt;/status. When the server runs in this process
/// (--server) the two are one process, and the report says so.
/// </summary>
internal sealed class ResourceProbe(int? serverPid, string memorySource)
{
    private static readonly double ClockTicksPerSecond = 100; // USER_HZ on Linux; /proc/<pid>/stat counts in it

    public int? ServerPid { get; } = serverPid;

    /// <summary>"in-process (client + server)", "pid 1234", or "none".</summary>
    public string MemorySource { get; } = memorySource;

    public Snapshot Take()
    {
        using var self = Process.GetCurrentProcess();
        return new Snapshot(self.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), ServerCpu());
    }

    public readonly record struct Snapshot(TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Pause, TimeSpan? Server);

    public ResourceDelta Delta(Snapshot before, Snapshot after, long? rssPeak) => new(
        after.Cpu - before.Cpu, after.Allocated - before.Allocated,
        after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Pause - before.Pause,
        after.Server - before.Server, rssPeak, ReadStatus("VmHWM:"));

    /// <summary>Samples VmRSS every 100 ms until disposed, so each workload gets its own peak (VmHWM only grows).</summary>
    public RssSampler StartSampling() => new(this);

    internal sealed class RssSampler : IAsyncDisposable
    {
        private readonly ResourceProbe _probe;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public RssSampler(ResourceProbe probe)
        {
            _probe = probe;
            _loop = LoopAsync();
        }

        public long? Peak { get; private set; }

        private async Task LoopAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            Sample();
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token)) Sample();
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Sample()
        {
            if (_probe.ReadStatus("VmRSS:") is { } rss) Peak = Math.Max(Peak ?? 0, rss);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            Sample();
            _stop.Dispose();
        }
    }

    /// <summary>A kB field of /proc/&lt;pid&gt;/status in bytes; null off Linux or when the process is gone.</summary>
    public long? ReadStatus(string field)
    {
        if (MemorySource == "none") return null;
        var path = ServerPid is { } pid ? $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status" : "/proc/self/status";
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var digits = line.AsSpan(field.Length).Trim();
                if (digits.EndsWith("kB", StringComparison.Ordinal)) digits = digits[..^2].Trim();
                return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>utime + stime of the separate server from /proc/&lt;pid&gt;/stat (fields 14 and 15).</summary>
    private TimeSpan? ServerCpu()
    {
        if (ServerPid is not { } pid) return null;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name is in parentheses and may hold spaces; fields are counted after its ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
        }
        catch (Exception error) when (error is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
