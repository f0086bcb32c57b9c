namespace Strata.Bench.Reporting;

/// <summary>The whole run: what was measured where, and the client's own cost.</summary>
internal sealed class BenchReport
{
    public required DateTimeOffset StartedAt { get; init; }
    public required string Endpoint { get; init; }
    public required string MemorySource { get; init; }
    public required BenchSettings Settings { get; init; }
    public required List<WorkloadReport> Workloads { get; init; }
    public required ClientCost Signer { get; init; }
    public string? DiskDirectory { get; init; }
    public List<string> Notes { get; init; } = [];

    public long TotalErrors
    {
        get
        {
            long total = 0;
            foreach (var workload in Workloads) total += workload.Errors + (workload.Failure is null ? 0 : 1);
            return total;
        }
    }
}

/// <summary>Signing cost measured alone, so the client's share of a request's time is known without the network.</summary>
internal readonly record struct ClientCost(double MicrosecondsPerRequest, double AllocatedBytesPerRequest);
