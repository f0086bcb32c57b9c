namespace Strata.Bench;

/// <summary>Everything `strata bench` was asked to do, parsed and defaulted by the CLI.</summary>
internal sealed class BenchSettings
{
    public static readonly string[] AllWorkloads = ["put", "get", "large", "overwrite", "list", "mixed"];

    public required Uri Endpoint { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    public string Region { get; init; } = "us-east-1";
    public IReadOnlyList<string> Workloads { get; init; } = AllWorkloads;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Run before each measured window and not counted (JIT, connection set-up, page cache).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    public int Concurrency { get; init; } = 32;
    public long Size { get; init; } = 4 * 1024;
    public long LargeSize { get; init; } = 64L * 1024 * 1024;
    public int LargeConcurrency { get; init; } = 4;

    /// <summary>large: objects of at least this size go as multipart uploads (as awscli, boto3 and TransferUtility do).</summary>
    public long MultipartThreshold { get; init; } = 16L * 1024 * 1024;

    /// <summary>large: part size, and how many parts of one object are in flight at once.</summary>
    public long PartSize { get; init; } = 8L * 1024 * 1024;
    public int PartConcurrency { get; init; } = 4;

    /// <summary>Objects written before get and mixed, read at random.</summary>
    public int Objects { get; init; } = 1000;

    /// <summary>Keys the overwrite workload cycles through, so each stack grows by ops/keys versions.</summary>
    public int OverwriteKeys { get; init; } = 16;

    public IReadOnlyList<long> ListDepths { get; init; } = [10_000, 100_000];
    public int VersionsPerKey { get; init; } = 10;
    public int ListConcurrency { get; init; } = 1;
    public int PreloadConcurrency { get; init; } = 64;

    public bool Baseline { get; init; }

    /// <summary>A directory on the file system the server's data lives on, for the fsync baseline.</summary>
    public string DataDirectory { get; init; } = Path.GetTempPath();

    /// <summary>"in-process" (--server), "pid N" (--server-pid) or "none": whose memory is reported.</summary>
    public int? ServerPid { get; init; }
    public bool ServerInProcess { get; init; }

    public string? Bucket { get; init; }

    /// <summary>A PEM file of CA certificates to trust for an https:// endpoint (--ca-bundle / AWS_CA_BUNDLE).</summary>
    public string? CaBundle { get; init; }

    /// <summary>Leave the run's objects, and the bucket it created, in place (--keep); by default the run removes them.</summary>
    public bool Keep { get; init; }
}
