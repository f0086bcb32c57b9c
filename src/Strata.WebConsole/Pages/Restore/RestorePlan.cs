using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client.History;
using Strata.Client.Recovery;

namespace Strata.WebConsole.Pages.Restore;

/// <summary>One kind of change in the plan: its count and the first keys (the rest only counted).</summary>
public sealed record PlanList(long Count, IReadOnlyList<string> Keys)
{
    public long More => Count - Keys.Count;
}

/// <summary>
/// What "restore this folder to …" will do, shown before anything changes: the keys that come back (absent now,
/// there then), change (current content differs), and go (absent then: a delete marker hides them).
/// </summary>
public sealed record RestorePlan(string Bucket, string Prefix, DateTimeOffset At, RecoveryPlan Counts, PlanList ComesBack, PlanList Changes, PlanList Goes, long Unsorted)
{
    /// <summary>Keys listed per kind; the rest are counted.</summary>
    public const int Shown = 100;

    // Copies are sorted into "comes back" and "changes" by a merge with the current listing; past this many the
    // copy keys are not kept and are counted as "unsorted", so a huge folder's plan stays bounded in memory.
    private const int MaxSorted = 20_000;

    /// <summary>Plans with PointInTimeRestoreJob (changes nothing), then sorts its copies against what is current now.</summary>
    internal static async Task<RestorePlan> MakeAsync(IAmazonS3 s3, PointInTimeRestoreJob job, string bucket, string prefix, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var copies = new List<string>();
        long copyCount = 0;
        var goes = new List<string>();
        long goesCount = 0;
        var counts = await job.PlanAsync(onStep: step =>
        {
            switch (step)
            {
                case RecoveryStep.CopyVersion copy:
                    if (copies.Count < MaxSorted) copies.Add(copy.Key);
                    copyCount++;
                    break;
                case RecoveryStep.AddDeleteMarker marker:
                    if (goes.Count < Shown) goes.Add(marker.Key);
                    goesCount++;
                    break;
            }
        }, cancellationToken: cancellationToken);
        var (back, changed) = await SortAsync(s3, bucket, prefix, copies, cancellationToken);
        return new RestorePlan(bucket, prefix, at, counts,
            new PlanList(back.Count, back.Take(Shown).ToList()),
            new PlanList(changed.Count, changed.Take(Shown).ToList()),
            new PlanList(goesCount, goes), copyCount - copies.Count);
    }

    /// <summary>Copies whose key has no current object come back; the others change. Both listings are in S3's key order.</summary>
    private static async Task<(List<string> Back, List<string> Changed)> SortAsync(IAmazonS3 s3, string bucket, string prefix, List<string> copies, CancellationToken cancellationToken)
    {
        var back = new List<string>();
        var changed = new List<string>();
        var i = 0;
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        while (i < copies.Count)
        {
            var page = await s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var current in page.S3Objects ?? [])
            {
                while (i < copies.Count && Utf8Order.Compare(copies[i], current.Key) < 0) back.Add(copies[i++]);
                if (i < copies.Count && copies[i] == current.Key) changed.Add(copies[i++]);
            }
            if (page.IsTruncated != true || page.NextContinuationToken is null) break;
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (i < copies.Count) back.Add(copies[i++]);
        return (back, changed);
    }
}
