using Strata.Client;
using Strata.Client.Connection;
using Strata.Client.Recovery;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Pages.History;
using Strata.WebConsole.Pages.Jobs;
using Strata.WebConsole.Rendering;

namespace Strata.WebConsole.Pages.Restore;

/// <summary>
/// /_strata/console/buckets/{bucket}/restore?prefix=: "restore this folder to …". A date-time picker; then the plan
/// (PointInTimeRestoreJob.PlanAsync: nothing changes) with what comes back, what changes and what goes; then Apply
/// (POST), which starts the run in the background and leads to its progress page.
/// </summary>
internal static class RestorePage
{
    // A folder restore is one user's background work on a shared server: a few copies at a time.
    private static readonly RecoveryOptions Options = new() { Concurrency = 4 };

    public static async Task ShowAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var prefix = ctx.Query("prefix") ?? "";
        var local = ctx.Query("at");
        var now = ctx.Options.Time.GetUtcNow();
        RestorePlan? plan = null;
        Notice? refusal = null;
        if (local is { Length: > 0 })
        {
            if (!PointInTime.TryParse(local, ctx.Query("offset"), out var at))
            {
                refusal = new Notice("That date and time could not be read; pick it again.", IsRefusal: true);
            }
            else if (at > now)
            {
                refusal = new Notice($"{Format.Time(at.UtcDateTime)} is in the future: pick a time up to now.", IsRefusal: true);
            }
            else
            {
                try
                {
                    plan = await RestorePlan.MakeAsync(ctx.Session.S3, Job(ctx, bucket, prefix, at), bucket, prefix, at, ctx.Aborted);
                }
                catch (StrataClientException e)
                {
                    refusal = new Notice(Plain(e), IsRefusal: true);
                }
                catch (Exception e) when (ActionRefusals.IsS3Failure(e))
                {
                    refusal = new Notice(ActionRefusals.Explain(e, "s3:ListBucket", "list this bucket"), IsRefusal: true);
                }
            }
        }
        await ctx.RenderAsync<RestoreView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome($"Restore {bucket}/{prefix}", refusal),
            ["Bucket"] = bucket,
            ["Prefix"] = prefix,
            ["Picked"] = local is { Length: > 0 } && plan is null ? local : PointInTime.Local(plan?.At ?? now),
            ["Plan"] = plan,
        });
    }

    public static async Task ApplyAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var prefix = ctx.Form("prefix") ?? "";
        if (ctx.Form("confirm") != "yes" || !PointInTime.TryParse(ctx.Form("at"), null, out var at))
        {
            ctx.Notice("Look at the plan first, then apply it. Nothing was changed.", refusal: true);
            await ctx.RedirectAsync(HistoryPaths.Restore(bucket, prefix));
            return;
        }
        var now = ctx.Options.Time.GetUtcNow();
        var session = ctx.Session;
        var restore = Job(ctx, bucket, prefix, at);
        var expected = new RecoveryPlan
        {
            Copies = long.TryParse(ctx.Form("copies"), out var copies) ? copies : 0,
            MarkersToAdd = long.TryParse(ctx.Form("markers"), out var markers) ? markers : 0,
        };
        var job = new ConsoleJob(SessionJobs.NewId(), bucket, prefix, at, expected, now);
        // The job holds the session's client, so the run goes on to its end after sign-out or the idle timeout.
        var refused = SessionJobs.TryAdd(session, job, () =>
        {
            var hold = session.HoldClient();
            job.Start(async (progress, stop) =>
            {
                using (hold) return await restore.RunAsync(progress, stop);
            }, ctx.Options.Time, ctx.Services.Log);
        }, now);
        if (refused is not null)
        {
            ctx.Notice(refused, refusal: true);
            await ctx.RedirectAsync(HistoryPaths.Restore(bucket, prefix));
            return;
        }
        await ctx.RedirectAsync(HistoryPaths.Job(job.Id));
    }

    private static PointInTimeRestoreJob Job(ConsoleContext ctx, string bucket, string prefix, DateTimeOffset at) =>
        new(ctx.Session.S3, new S3Uri(bucket, prefix), at, new RestoreDestination.InPlace(), Options);

    // The toolkit's refusals name command-line flags where the console has a page instead.
    internal static string Plain(StrataClientException e) =>
        e.Message.Replace(" Restore with --to s3://other-bucket/prefix or --to-dir DIR instead.", " Turn versioning on for this bucket first (Versioning settings), or restore with `strata restore --to` into another bucket.", StringComparison.Ordinal);
}
