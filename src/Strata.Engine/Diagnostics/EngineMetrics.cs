using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Strata.Engine.Diagnostics;

/// <summary>
/// The one "Strata" meter and the engine's timing instruments. Static, as the committer and <see cref="Blobs.Fsync"/>
/// are entered from many places: each call site is one line. Figures that belong to a data directory (buckets, blobs)
/// are observed per engine through <see cref="StoreFigures"/>.
/// </summary>
internal static class EngineMetrics
{
    public const string MeterName = "Strata";

    public static readonly Meter Meter = new(MeterName);

    // Seconds from 100 µs to 10 s: an fsync on NVMe takes tens of µs, on a busy disk tens of ms.
    public static readonly double[] SecondsBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly long[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private static readonly Histogram<long> CommitBatchSize = Meter.CreateHistogram("strata.commit.batch.size", "{write}",
        "Writes committed together in one metadata transaction (group commit).", null, new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchBuckets });

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("strata.commit.duration", "s",
        "Time of one group commit: applying the batch's writes and COMMIT (the WAL's fdatasync is timed apart, as strata.fsync.duration{target=\"wal\"}).", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    private static readonly Histogram<double> FsyncDuration = Meter.CreateHistogram("strata.fsync.duration", "s",
        "Time of one fsync of a blob file, a directory, or the metadata's WAL (fdatasync by the sync stage).", null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>A batch of <paramref name="writes"/> committed (or failed) after starting at <paramref name="startedAt"/> (a Stopwatch timestamp).</summary>
    public static void Committed(int writes, long startedAt)
    {
        CommitBatchSize.Record(writes);
        CommitDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
    }

    /// <summary>An fsync of a "file", a "directory" or the "wal" that started at <paramref name="startedAt"/>.</summary>
    public static void Fsynced(string target, long startedAt) =>
        FsyncDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("target", target));
}
