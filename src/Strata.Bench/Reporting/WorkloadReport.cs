using Strata.Bench.Stats;
using Strata.Bench.Workloads;

namespace Strata.Bench.Reporting;

/// <summary>One workload's figure on the endpoint, beside the limits measured in the same run, and their ratios.</summary>
internal sealed class WorkloadReport
{
    public required string Workload { get; init; }
    public WorkloadRun? Run { get; init; }

    /// <summary>Why the workload could not run to the end (its preload failed, the endpoint went away); null when it ran.</summary>
    public string? Failure { get; init; }

    public WorkloadRun? Disk { get; init; }
    public WorkloadRun? HttpCeiling { get; init; }

    /// <summary>List workloads: the same listing at the smallest depth, which deeper pages are compared with.</summary>
    public WorkloadRun? FirstDepth { get; init; }

    public long Errors => Run?.Measurement.Errors ?? 0;

    /// <summary>Same sizes on both sides, so the ops/s ratio is also the MB/s ratio.</summary>
    public double? RatioToDisk => Run is null ? null : Rates.Ratio(Run.Measurement.OpsPerSecond, Disk?.Measurement.OpsPerSecond);

    public double? RatioToHttpCeiling => Run is null ? null : Rates.Ratio(Run.Measurement.OpsPerSecond, HttpCeiling?.Measurement.OpsPerSecond);

    /// <summary>p50 page time here over p50 at the smallest depth: 1.0 means depth costs nothing.</summary>
    public double? P50ToFirstDepth => Run is null || FirstDepth is null || ReferenceEquals(FirstDepth, Run)
        ? null
        : Rates.Ratio(Run.Measurement.P50Ms, FirstDepth.Measurement.P50Ms);
}
