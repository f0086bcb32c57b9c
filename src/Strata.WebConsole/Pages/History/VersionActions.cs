using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client;
using Strata.Client.History;
using Strata.Client.Recovery;
using Strata.WebConsole.Hosting;

namespace Strata.WebConsole.Pages.History;

/// <summary>
/// "Restore this version" and "Undelete", each a POST (the CSRF token checked before) answered by a 303 back to the
/// history with what was done or, in plain words, why nothing changed. Both reuse the recovery toolkit's jobs, so a
/// version above 5 GiB is copied with UploadPartCopy, exactly as `strata restore` and `strata undelete` do.
/// </summary>
internal static class VersionActions
{
    // One key: no parallelism to gain, and a refusal is reported once.
    private static readonly RecoveryOptions OneKey = new() { Concurrency = 1 };

    public static async Task RestoreVersionAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Form("key") ?? "";
        var versionId = ctx.Form("versionId") ?? "";
        if (key.Length == 0 || versionId.Length == 0)
        {
            ctx.Notice("Pick the version to restore from the key's history.", refusal: true);
            await ctx.RedirectAsync(ConsolePaths.Bucket(bucket));
            return;
        }
        var job = new VersionRestoreJob(ctx.Session.S3, bucket, key, versionId, OneKey);
        var (text, refused) = await RunAsync(job, ctx.Aborted) switch
        {
            { Failure: { } failure } => (failure, true),
            { Report.Plan.KeysUnchanged: > 0 } => ($"Version {versionId} is already the current content of {key}; nothing was copied.", false),
            _ => ($"Restored: version {versionId} was copied on top and is the current version of {key} again. The versions in between are kept.", false),
        };
        ctx.Notice(text, refused);
        await ctx.RedirectAsync(HistoryPaths.History(bucket, key));
    }

    /// <summary>
    /// UndeleteJob's two ways for one key: remove the delete markers above the newest version where the key may
    /// (s3:DeleteObjectVersion, and MFA Delete off), which leaves the history as it was; else copy the newest version
    /// back on top (s3:GetObjectVersion and s3:PutObject), which destroys nothing.
    /// </summary>
    public static async Task UndeleteAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Form("key") ?? "";
        var s3 = ctx.Session.S3;
        KeyHistory? history;
        try
        {
            history = await VersionWalker.FindAsync(s3, bucket, key, ctx.Aborted);
        }
        catch (Exception e) when (e is StrataClientException || ActionRefusals.IsS3Failure(e))
        {
            ctx.Notice(ActionRefusals.Explain(e.InnerException is AmazonServiceException s3Error ? s3Error : e, "s3:ListBucketVersions", "list this bucket's versions"), refusal: true);
            await ctx.RedirectAsync(HistoryPaths.History(bucket, key));
            return;
        }
        var (text, refused) = history switch
        {
            null => ($"{key} has no versions in this bucket; there is nothing to bring back.", true),
            { Latest.IsDeleteMarker: false } => ($"{key} is not deleted: its latest version is an object. Nothing was changed.", true),
            { NewestObject: null } => ($"{key} has only delete markers: there is no version to bring back.", true),
            _ => await UndeleteAsync(s3, bucket, history, ctx.Aborted),
        };
        ctx.Notice(text, refused);
        await ctx.RedirectAsync(HistoryPaths.History(bucket, key));
    }

    private static async Task<(string Text, bool Refused)> UndeleteAsync(IAmazonS3 s3, string bucket, KeyHistory history, CancellationToken cancellationToken)
    {
        var newest = history.NewestObject!;
        var removed = 0;
        foreach (var version in history.Versions)
        {
            if (!version.IsDeleteMarker) break;
            try
            {
                await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = history.Key, VersionId = version.VersionId }, cancellationToken);
                removed++;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "AccessDenied" or "InvalidRequest")
            {
                // Not allowed to destroy a marker (no s3:DeleteObjectVersion, or MFA Delete is on): copy instead.
                break;
            }
        }
        if (removed > 0 && removed == CountMarkersOnTop(history))
        {
            return ($"Undeleted: the delete marker{(removed > 1 ? "s" : "")} above version {newest.VersionId} {(removed > 1 ? "were" : "was")} removed, so it is current again.", false);
        }
        var outcome = await RunAsync(new VersionRestoreJob(s3, bucket, history.Key, newest.VersionId, OneKey), cancellationToken);
        if (outcome.Failure is { } failure) return (failure, true);
        return ($"Undeleted: version {newest.VersionId} was copied back on top, so {history.Key} is current again. The delete marker stays in the history.", false);
    }

    private static int CountMarkersOnTop(KeyHistory history)
    {
        var count = 0;
        foreach (var version in history.Versions)
        {
            if (!version.IsDeleteMarker) break;
            count++;
        }
        return count;
    }

    /// <summary>Runs a one-key job; a refused walk or step becomes the plain sentence of its failure.</summary>
    internal static async Task<(RecoveryReport? Report, string? Failure)> RunAsync(RecoveryJob job, CancellationToken cancellationToken)
    {
        RecoveryReport report;
        try
        {
            report = await job.RunAsync(cancellationToken: cancellationToken);
        }
        catch (StrataClientException e) when (e.InnerException is not AmazonServiceException)
        {
            return (null, e.Message + " Nothing was changed.");
        }
        catch (Exception e) when (e is StrataClientException || ActionRefusals.IsS3Failure(e))
        {
            return (null, ActionRefusals.Explain(e.InnerException as AmazonServiceException ?? e, "s3:ListBucketVersions", "list this bucket's versions"));
        }
        if (report.Failures.Count > 0) return (report, Plain(report.Failures[0]));
        return (report, null);
    }

    // A refused copy does not say which of its two rights was missing (reading the version, writing the key), so
    // the sentence names both; the toolkit's other sentences are plain already.
    private static string Plain(RecoveryFailure failure) =>
        failure.Step == "copy" && failure.Message.StartsWith("Access denied", StringComparison.Ordinal)
            ? $"Access denied: restoring copies the version on top of {failure.Key}, which needs s3:GetObjectVersion and s3:PutObject; your key lacks at least one of them. Ask the bucket's owner to grant them. Nothing was changed."
            : failure.Message + " Nothing was changed.";
}
