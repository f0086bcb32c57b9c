using Strata.Bench.Stats;

namespace Strata.Bench.Running;

/// <summary>What one closed-loop run measured: counts in the window, the latency histogram and the process costs.</summary>
internal sealed class Measurement
{
    public required long Operations { get; init; }
    public required long Bytes { get; init; }
    public required long Errors { get; init; }
    public required IReadOnlyDictionary<string, long> ErrorSamples { get; init; }
    public required LatencyHistogram Latency { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required ResourceDelta Resources { get; init; }

    public double OpsPerSecond => Rates.PerSecond(Operations, Elapsed);
    public double MegabytesPerSecond => Rates.MegabytesPerSecond(Bytes, Elapsed);
    public double P50Ms => Latency.Percentile(50) / 1000.0;
    public double P99Ms => Latency.Percentile(99) / 1000.0;
    public double MaxMs => Latency.MaxMicroseconds / 1000.0;
    public double MeanMs => Latency.MeanMicroseconds / 1000.0;

    /// <summary>CPU time of the bench process per operation, in microseconds.</summary>
    public double CpuMicrosecondsPerOp => Rates.PerOperation(Resources.ProcessCpu.TotalMicroseconds, Operations + Errors);

    public double AllocatedBytesPerOp => Rates.PerOperation(Resources.AllocatedBytes, Operations + Errors);

    /// <summary>CPU time of the separate server process per operation (only with --server-pid).</summary>
    public double? ServerCpuMicrosecondsPerOp => Resources.ServerCpu is { } cpu ? Rates.PerOperation(cpu.TotalMicroseconds, Operations + Errors) : null;
}
