using System.Xml;
using Strata.Core;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>GetBucketVersioning and PutBucketVersioning.</summary>
internal static class Versioning
{
    public static async Task GetAsync(S3Context ctx)
    {
        var bucket = ctx.Engine.GetBucket(ctx.S3.RequireBucket());
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "VersioningConfiguration", S3Xml.Namespace);
        // S3: no Status until versioning was first enabled; MfaDelete only once it was set.
        if (bucket.Versioning != VersioningState.Unversioned) await xml.ElementAsync("Status", bucket.Versioning.ToString());
        if (bucket.MfaDelete != MfaDeleteState.NeverSet) await xml.ElementAsync("MfaDelete", bucket.MfaDelete.ToString());
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var (status, mfaDelete) = await ReadConfigurationAsync(ctx.Caller.Payload);
        // S3: only the root user, with its MFA code, may set MfaDelete.
        if (mfaDelete is not null && ctx.Principal.Kind != Auth.PrincipalKind.Root) S3Fail.With(StrataError.AccessDenied, VersionStack.MfaRequired);
        await ctx.Engine.PutBucketVersioningAsync(bucket, status, mfaDelete, ctx.MfaVerified);
    }

    private static async Task<(VersioningState? Status, MfaDeleteState? MfaDelete)> ReadConfigurationAsync(Stream body)
    {
        string? status = null, mfa = null;
        try
        {
            using var xml = S3Xml.CreateReader(body);
            await xml.MoveToContentAsync();
            if (xml.LocalName != "VersioningConfiguration") throw S3Fail.Exception(StrataError.MalformedXML);
            if (!xml.IsEmptyElement)
            {
                await xml.ReadAsync();
                while (await xml.MoveToContentAsync() == XmlNodeType.Element)
                {
                    switch (xml.LocalName)
                    {
                        case "Status":
                            status = await xml.ReadElementContentAsStringAsync();
                            break;
                        case "MfaDelete":
                            mfa = await xml.ReadElementContentAsStringAsync();
                            break;
                        default:
                            throw S3Fail.Exception(StrataError.MalformedXML);
                    }
                }
            }
        }
        catch (XmlException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
        if (status is null && mfa is null) throw S3Fail.Exception(StrataError.MalformedXML);
        VersioningState? state = status switch
        {
            null => null,
            "Enabled" => VersioningState.Enabled,
            "Suspended" => VersioningState.Suspended,
            _ => throw S3Fail.Exception(StrataError.IllegalVersioningConfigurationException),
        };
        MfaDeleteState? mfaState = mfa switch
        {
            null => null,
            "Enabled" => MfaDeleteState.Enabled,
            "Disabled" => MfaDeleteState.Disabled,
            _ => throw S3Fail.Exception(StrataError.IllegalVersioningConfigurationException),
        };
        return (state, mfaState);
    }
}
