using Strata.Bench.Running;

namespace Strata.Bench.Workloads;

/// <summary>One measured run of one workload against one target (the endpoint, the no-op ceiling or the disk).</summary>
internal sealed record WorkloadRun(string Workload, string Target, long SizeBytes, int Concurrency, Measurement Measurement)
{
    /// <summary>Versions under the listed prefix (list workloads only).</summary>
    public long? Depth { get; init; }

    public List<string> Notes { get; init; } = [];
}
