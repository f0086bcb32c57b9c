using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Hosting;

namespace Strata.WebConsole.Pages.History;

/// <summary>
/// Whether a form asks for the MFA code: the bucket's MFA Delete state (read with the user's key; unknown when the
/// key may not read it, and then the code is optional), whether this server speaks HTTPS (S3 takes x-amz-mfa only
/// over HTTPS), and the root device's serial the code goes with.
/// </summary>
public sealed record MfaPrompt(bool? MfaDelete, string? VersioningStatus, bool Https, string? Serial)
{
    /// <summary>The form shows the code field (required when MFA Delete is known to be on).</summary>
    public bool AsksForCode => MfaDelete != false && Https;

    /// <summary>MFA would be needed but cannot be sent: the page says to use HTTPS.</summary>
    public bool NeedsHttps => MfaDelete == true && !Https;

    internal static async Task<MfaPrompt> ReadAsync(ConsoleContext ctx, string bucket)
    {
        var https = ctx.Options.Endpoint?.Scheme == Uri.UriSchemeHttps;
        try
        {
            var config = (await ctx.Session.S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, ctx.Aborted)).VersioningConfig;
            var status = config?.Status?.Value;
            return new MfaPrompt(config?.EnableMfaDelete == true, string.IsNullOrEmpty(status) || status == "Off" ? "Off" : status, https, ctx.Options.RootMfaSerial);
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            return new MfaPrompt(null, null, https, ctx.Options.RootMfaSerial);
        }
    }

    /// <summary>
    /// The x-amz-mfa value for a posted code ("SERIAL CODE"), null when none was entered; false with a reason when the
    /// code is malformed or cannot be sent (plain HTTP).
    /// </summary>
    internal bool TryCodes(string? code, out MfaCodes? codes, out string? refusal)
    {
        codes = null;
        refusal = null;
        code = code?.Trim();
        if (string.IsNullOrEmpty(code)) return true;
        if (!Https)
        {
            refusal = ActionRefusals.MfaNeedsHttps;
            return false;
        }
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            refusal = "The MFA code is the 6 digits the root user's device shows now. Nothing was changed.";
            return false;
        }
        codes = new MfaCodes { SerialNumber = Serial, AuthenticationValue = code };
        return true;
    }
}
