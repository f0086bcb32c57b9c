using Strata.Bench.Baselines;
using Strata.Bench.Client;

namespace Strata.Bench.Workloads;

/// <summary>
/// Where a workload is sent: the endpoint under test, or the same-run no-op ceiling. The workload code is the
/// same for both, so the ratio compares servers and not clients.
/// </summary>
internal sealed class BenchTarget(string name, S3BenchClient client, string bucket, NoopHttpServer? noop)
{
    public string Name { get; } = name;
    public S3BenchClient Client { get; } = client;
    public string Bucket { get; } = bucket;

    /// <summary>Set when this target is the no-op ceiling; GETs then answer with <see cref="NoopHttpServer.ObjectSize"/> bytes.</summary>
    public NoopHttpServer? Noop { get; } = noop;

    public bool IsNoop => Noop is not null;

    /// <summary>Keys of the objects written for get and mixed, and their size (written once per size).</summary>
    public string[]? ReadKeys { get; set; }
    public long ReadSize { get; set; } = -1;
}
