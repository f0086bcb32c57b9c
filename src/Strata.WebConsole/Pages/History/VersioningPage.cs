using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Hosting;

namespace Strata.WebConsole.Pages.History;

/// <summary>
/// /_strata/console/buckets/{bucket}/versioning: the bucket's versioning (Enabled or Suspended) and MFA Delete, and
/// a small form that changes them with PutBucketVersioning, with the root user's MFA code whenever MFA Delete is
/// on or being turned on or off (as S3 requires).
/// </summary>
internal static class VersioningPage
{
    public static async Task ShowAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        await ctx.RenderAsync<VersioningView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome("Versioning of " + bucket),
            ["Bucket"] = bucket,
            ["Key"] = ctx.Query("key"),
            ["Mfa"] = await MfaPrompt.ReadAsync(ctx, bucket),
        });
    }

    public static async Task ChangeAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Form("key") is { Length: > 0 } k ? k : null;
        var back = HistoryPaths.Versioning(bucket, key);
        var status = ctx.Form("status");
        var mfaDelete = ctx.Form("mfaDelete");
        if (status is not ("Enabled" or "Suspended") || mfaDelete is not ("Enabled" or "Disabled"))
        {
            ctx.Notice("Choose Enabled or Suspended, and MFA Delete on or off. Nothing was changed.", refusal: true);
            await ctx.RedirectAsync(back);
            return;
        }
        var prompt = await MfaPrompt.ReadAsync(ctx, bucket);
        if (!prompt.TryCodes(ctx.Form("mfaCode"), out var codes, out var malformed))
        {
            ctx.Notice(malformed!, refusal: true);
            await ctx.RedirectAsync(back);
            return;
        }
        var wantMfa = mfaDelete == "Enabled";
        var request = new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = new VersionStatus(status) },
            MfaCodes = codes,
        };
        // MfaDelete is sent only when it changes or is on: either way S3 then wants the code, and a bucket without it
        // can change its versioning with no device at all.
        if (wantMfa || prompt.MfaDelete != false) request.VersioningConfig.EnableMfaDelete = wantMfa;
        try
        {
            await ctx.Session.S3.PutBucketVersioningAsync(request, ctx.Aborted);
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            ctx.Notice(!prompt.Https && e is Amazon.Runtime.AmazonServiceException service && ActionRefusals.Mfa(service) is not null
                ? ActionRefusals.MfaNeedsHttps
                : ActionRefusals.Explain(e, "s3:PutBucketVersioning", "change this bucket's versioning"), refusal: true);
            await ctx.RedirectAsync(back);
            return;
        }
        ctx.Notice($"Versioning of {bucket} is now {status}, and MFA Delete is {(wantMfa ? "on" : "off")}.");
        await ctx.RedirectAsync(back);
    }
}
