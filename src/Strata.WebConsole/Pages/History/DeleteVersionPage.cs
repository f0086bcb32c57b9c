using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Hosting;

namespace Strata.WebConsole.Pages.History;

/// <summary>
/// "Delete this version permanently": a confirmation page (GET) that asks for the MFA code when the bucket has MFA
/// Delete on, then the POST: DeleteObject with the version id, and x-amz-mfa with the root device's serial when a
/// code was entered. A refusal (Object Lock, MFA, a missing permission) is explained; nothing changes.
/// </summary>
internal static class DeleteVersionPage
{
    public static async Task ConfirmAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Query("key") ?? "";
        var versionId = ctx.Query("versionId") ?? "";
        if (key.Length == 0 || versionId.Length == 0)
        {
            await ctx.RedirectAsync(ConsolePaths.Bucket(bucket));
            return;
        }
        var prompt = await MfaPrompt.ReadAsync(ctx, bucket);
        await ctx.RenderAsync<DeleteVersionView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome("Delete a version of " + key),
            ["Bucket"] = bucket,
            ["Key"] = key,
            ["VersionId"] = versionId,
            ["Mfa"] = prompt,
        });
    }

    public static async Task DeleteAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Form("key") ?? "";
        var versionId = ctx.Form("versionId") ?? "";
        if (key.Length == 0 || versionId.Length == 0 || ctx.Form("confirm") != "yes")
        {
            ctx.Notice("Confirm the permanent delete on its page first. Nothing was changed.", refusal: true);
            await ctx.RedirectAsync(key.Length == 0 ? ConsolePaths.Bucket(bucket) : HistoryPaths.History(bucket, key));
            return;
        }
        var prompt = await MfaPrompt.ReadAsync(ctx, bucket);
        if (!prompt.TryCodes(ctx.Form("mfaCode"), out var codes, out var malformed))
        {
            ctx.Notice(malformed!, refusal: true);
            await ctx.RedirectAsync(HistoryPaths.ConfirmDelete(bucket, key, versionId));
            return;
        }
        var s3 = ctx.Session.S3;
        try
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = versionId, MfaCodes = codes }, ctx.Aborted);
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            var mfa = e is Amazon.Runtime.AmazonServiceException service ? ActionRefusals.Mfa(service) : null;
            var why = !prompt.Https && mfa is not null
                ? ActionRefusals.MfaNeedsHttps
                : await ActionRefusals.DeleteAsync(s3, bucket, key, versionId, e, ctx.Aborted);
            ctx.Notice(why, refusal: true);
            // An MFA refusal goes back to the form, so the next code can be entered there.
            await ctx.RedirectAsync(mfa is not null ? HistoryPaths.ConfirmDelete(bucket, key, versionId) : HistoryPaths.History(bucket, key));
            return;
        }
        ctx.Notice($"Version {versionId} of {key} was deleted permanently.");
        await ctx.RedirectAsync(HistoryPaths.History(bucket, key));
    }
}
