using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Rendering;

namespace Strata.WebConsole.Pages.Buckets;

/// <summary>
/// /_strata/console/buckets: the buckets the user's key lists, each with its versioning state, MFA Delete, Object
/// Lock, lifecycle in a few words (read with the user's key, in parallel) and the engine's figures: objects,
/// versions, bytes and noncurrent bytes (what versioning costs).
/// </summary>
internal static class BucketsPage
{
    // Per-bucket reads in flight at once, so a thousand buckets do not become three thousand requests at once.
    private const int Parallel = 16;

    public static async Task ShowAsync(ConsoleContext ctx)
    {
        // "Open a bucket by name": for a key that may use a bucket but not list them all.
        if (ctx.Query("open") is { Length: > 0 } open)
        {
            await ctx.RedirectAsync(ConsolePaths.Bucket(open.Trim()));
            return;
        }
        var s3 = ctx.Session.S3;
        List<S3Bucket> buckets;
        Notice? refusal = null;
        try
        {
            buckets = (await s3.ListBucketsAsync(new ListBucketsRequest(), ctx.Aborted)).Buckets ?? [];
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            buckets = [];
            refusal = new Notice(Refusals.Explain(e, "s3:ListAllMyBuckets", "list the buckets"), IsRefusal: true);
        }
        var figures = ctx.Options.Figures().ToDictionary(f => f.Bucket, StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(Parallel);
        var rows = await Task.WhenAll(buckets.Select(b => RowAsync(s3, b, figures.GetValueOrDefault(b.BucketName), gate, ctx.Aborted)));
        await ctx.RenderAsync<BucketsView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome("Buckets", refusal),
            ["Rows"] = rows,
        });
    }

    private static async Task<BucketRow> RowAsync(IAmazonS3 s3, S3Bucket bucket, Engine.Diagnostics.BucketFigures? figures, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var versioning = BucketSettings.VersioningAsync(s3, bucket.BucketName, cancellationToken);
            var objectLock = BucketSettings.ObjectLockAsync(s3, bucket.BucketName, cancellationToken);
            var lifecycle = BucketSettings.LifecycleAsync(s3, bucket.BucketName, cancellationToken);
            var listRefusal = BucketSettings.ListRefusalAsync(s3, bucket.BucketName, cancellationToken);
            var (state, mfa) = await versioning;
            var refusal = await listRefusal;
            return new BucketRow(bucket.BucketName, bucket.CreationDate, state, mfa, await objectLock, await lifecycle, refusal is null ? figures : null, refusal);
        }
        finally
        {
            gate.Release();
        }
    }
}
