using Strata.Bench.Client;

namespace Strata.Bench.Workloads;

/// <summary>
/// Takes away what a run wrote: every version and delete marker under the run's prefixes (each workload writes
/// under KIND/RUNID/), then the bucket when the run created it. A bucket that was there before stays.
/// </summary>
internal static class BenchCleanup
{
    /// <summary>The first segment of every key a workload writes; the run id comes second.</summary>
    public static readonly string[] Kinds = ["put", "read", "overwrite", "mixed", "large", "list"];

    /// <summary>Deletes the run's versions (and the bucket when <paramref name="removeBucket"/>); returns how many versions went.</summary>
    public static async Task<long> RemoveRunAsync(S3BenchClient client, string bucket, string runId, bool removeBucket, CancellationToken cancellationToken)
    {
        long removed = 0;
        foreach (var kind in Kinds)
        {
            var prefix = $"{kind}/{runId}/";
            // Always the first page: what was deleted is gone from it, so no markers are needed.
            while (true)
            {
                var page = await client.ListVersionsPageAsync(bucket, prefix, null, null, cancellationToken);
                if (page.Versions.Count == 0) break;
                await client.DeleteVersionsAsync(bucket, page.Versions, cancellationToken);
                removed += page.Versions.Count;
            }
        }
        if (removeBucket) await client.DeleteBucketAsync(bucket, cancellationToken);
        return removed;
    }
}
