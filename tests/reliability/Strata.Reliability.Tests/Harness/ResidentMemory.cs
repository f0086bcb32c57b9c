using System.Globalization;

namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// Samples a process's resident memory from /proc/&lt;pid&gt;/status every 100 ms: VmRSS (resident now) and,
/// when stopped, VmHWM (the kernel's own peak of VmRSS since the process started, so a spike between two
/// samples is not missed).
/// </summary>
internal sealed class ResidentMemory : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _maxRssKiB;
    private int _samples;

    private ResidentMemory(int pid)
    {
        _pid = pid;
        _loop = Task.Run(SampleAsync);
    }

    public static ResidentMemory Watch(int pid)
    {
        if (!File.Exists($"/proc/{pid}/status")) Assert.Fail($"/proc/{pid}/status is missing: resident memory is measured on Linux only.");
        return new ResidentMemory(pid);
    }

    public long MaxRssKiB => Interlocked.Read(ref _maxRssKiB);
    public int Samples => Volatile.Read(ref _samples);

    /// <summary>Reads the process's current VmRSS and VmHWM in KiB (null when it has exited).</summary>
    public static (long RssKiB, long HwmKiB)? Read(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        long rss = -1, hwm = -1;
        foreach (var line in lines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = KiB(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = KiB(line);
        }
        return rss < 0 || hwm < 0 ? null : (rss, hwm);
    }

    // "VmRSS:	  123456 kB"
    private static long KiB(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            if (Read(_pid) is { } now)
            {
                InterlockedMax(ref _maxRssKiB, now.RssKiB);
                Interlocked.Increment(ref _samples);
            }
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>Stops sampling and returns the highest VmRSS seen and the process's VmHWM, in KiB.</summary>
    public async Task<(long MaxRssKiB, long HwmKiB, int Samples)> StopAsync()
    {
        var last = Read(_pid);
        await _stop.CancelAsync();
        await _loop;
        if (last is { } final) InterlockedMax(ref _maxRssKiB, final.RssKiB);
        return (MaxRssKiB, last?.HwmKiB ?? -1, Samples);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
