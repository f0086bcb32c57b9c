using System.Globalization;
using Strata.Bench.Running;

namespace Strata.Bench.Baselines;

/// <summary>
/// The disk's limit for durable writes, in the same run: C threads each create a new file, write the body and
/// fsync it, in a directory on the file system the server's data lives on. One fsync per file is what a
/// naive durable PUT costs; Strata's group commit should meet or beat it for small bodies.
/// </summary>
internal sealed class DiskBaseline(BenchSettings settings, ResourceProbe probe, byte[] payload) : IDisposable
{
    /// <summary>Bodies this large are unlinked right after their fsync, so a long run does not fill the disk.</summary>
    private const long UnlinkAbove = 1024 * 1024;

    private readonly string _directory = Path.Combine(settings.DataDirectory, "strata-bench-disk-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<(long, int), Measurement> _cache = [];

    public string Directory => _directory;

    /// <summary>Measured once per size and concurrency, then reused by every workload that asks.</summary>
    public async Task<Measurement> MeasureAsync(long size, int concurrency)
    {
        if (_cache.TryGetValue((size, concurrency), out var known)) return known;
        System.IO.Directory.CreateDirectory(_directory);
        var body = payload.AsMemory(0, checked((int)size));
        var run = await LoadLoop.RunAsync(concurrency, settings.Duration, settings.Warmup, w =>
        {
            var path = Path.Combine(_directory, string.Concat(size.ToString(CultureInfo.InvariantCulture), "-", w.Prefix, w.Sequence.ToString(CultureInfo.InvariantCulture)));
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(body.Span);
                file.Flush(flushToDisk: true);
            }
            if (size >= UnlinkAbove) File.Delete(path);
            return ValueTask.FromResult((long)body.Length);
        }, probe, dedicatedThreads: true, prepare: w => w.Prefix = w.Id.ToString(CultureInfo.InvariantCulture) + "-");
        _cache[(size, concurrency)] = run;
        return run;
    }

    public void Dispose()
    {
        try
        {
            if (System.IO.Directory.Exists(_directory)) System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
