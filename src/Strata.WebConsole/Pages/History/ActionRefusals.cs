using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client;
using Strata.WebConsole.Rendering;

namespace Strata.WebConsole.Pages.History;

/// <summary>
/// A refused history action in plain words: Object Lock (which protection, its mode and until when), MFA (missing,
/// wrong or used, root only, HTTPS only), a missing permission (naming the action). Nothing was changed.
/// </summary>
internal static class ActionRefusals
{
    public const string MfaNeedsHttps =
        "MFA codes are accepted only over HTTPS, and this server serves plain HTTP: start it with `strata serve --tls` and use the console at its https:// address. Nothing was changed.";

    /// <summary>What the SDK throws for a refused or failed request: S3's answer, or a client-side failure (a malformed bucket name, an unreachable endpoint).</summary>
    public static bool IsS3Failure(Exception e) => e is AmazonServiceException or AmazonClientException;

    public static bool IsObjectLock(AmazonServiceException e) =>
        e.ErrorCode == "AccessDenied" && e.Message.Contains("object lock", StringComparison.OrdinalIgnoreCase);

    /// <summary>The MFA part of a refusal, or null when MFA was not the reason.</summary>
    public static string? Mfa(AmazonServiceException e)
    {
        if (!S3ErrorExplainer.IsMfaRequired(e)) return null;
        var message = e.Message;
        if (message.Contains("HTTPS", StringComparison.OrdinalIgnoreCase)) return MfaNeedsHttps;
        if (message.Contains("root", StringComparison.OrdinalIgnoreCase))
        {
            return "Only the root user's MFA device can authorize this, and it works only with the root user's key: sign in with the root key to do it. Nothing was changed.";
        }
        if (message.Contains("already used", StringComparison.OrdinalIgnoreCase) || message.Contains("not valid", StringComparison.OrdinalIgnoreCase))
        {
            return "The MFA code was refused: it is wrong, or it was already used (each code works once). Wait for the device's next code and try again. Nothing was changed.";
        }
        return "MFA Delete is on for this bucket, so this needs the 6-digit code from the root user's MFA device. Enter the code and try again. Nothing was changed.";
    }

    /// <summary>Why a permanent delete of a version was refused; for Object Lock, the version's retention or legal hold is read to say which and until when.</summary>
    public static async Task<string> DeleteAsync(IAmazonS3 s3, string bucket, string key, string versionId, Exception error, CancellationToken cancellationToken)
    {
        if (error is not AmazonServiceException e) return Explain(error, "s3:DeleteObjectVersion", "delete versions permanently");
        if (Mfa(e) is { } mfa) return mfa;
        if (IsObjectLock(e)) return await ObjectLockAsync(s3, bucket, key, versionId, cancellationToken);
        return Explain(e, "s3:DeleteObjectVersion", "delete versions permanently");
    }

    public static string Explain(Exception e, string action, string what)
    {
        if (e is AmazonServiceException service && Mfa(service) is { } mfa) return mfa;
        var text = Refusals.Explain(e, action, what);
        return text + (text.EndsWith('.') ? "" : ".") + " Nothing was changed.";
    }

    private static async Task<string> ObjectLockAsync(IAmazonS3 s3, string bucket, string key, string versionId, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        try
        {
            var retention = (await s3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken)).Retention;
            if (retention?.Mode is { } mode && retention.RetainUntilDate is { } until)
            {
                reasons.Add(mode == ObjectLockRetentionMode.Compliance
                    ? $"it is under COMPLIANCE retention until {Format.Time(until)}: nobody, not even the root user, can delete it before then"
                    : $"it is under GOVERNANCE retention until {Format.Time(until)}: only a key allowed s3:BypassGovernanceRetention can delete it before then, by bypassing governance");
            }
        }
        catch (AmazonS3Exception)
        {
            // Without s3:GetObjectRetention the mode and date stay unknown; the sentence below still says why.
        }
        try
        {
            var hold = (await s3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken)).LegalHold;
            if (hold?.Status == ObjectLockLegalHoldStatus.On) reasons.Add("it is under a legal hold: it cannot be deleted until someone allowed s3:PutObjectLegalHold removes the hold");
        }
        catch (AmazonS3Exception)
        {
        }
        if (reasons.Count == 0) return "This version is protected by Object Lock (a retention period or a legal hold), so it cannot be deleted now. Nothing was changed.";
        return "This version cannot be deleted: " + string.Join("; and ", reasons) + ". Nothing was changed.";
    }
}
