using Strata.Core;

namespace Strata.Server.Auth;

/// <summary>
/// "AKID/yyyyMMdd/region/s3/aws4_request" from the Authorization header or X-Amz-Credential.
/// <see cref="Scope"/> is the part after the key id, as it appears in the string to sign.
/// </summary>
internal readonly record struct CredentialScope(string AccessKeyId, string Date, string Region, string Scope)
{
    /// <summary>
    /// Parses and checks the scope against this server's region and S3. The error is S3's:
    /// AuthorizationHeaderMalformed for the header, AuthorizationQueryParametersError for a presigned URL.
    /// </summary>
    public static CredentialScope Parse(string credential, string expectedRegion, bool presigned)
    {
        // Split from the right: the four scope parts hold no slash, the key id comes first.
        var terminal = credential.LastIndexOf('/');
        var service = terminal > 0 ? credential.LastIndexOf('/', terminal - 1) : -1;
        var region = service > 0 ? credential.LastIndexOf('/', service - 1) : -1;
        var date = region > 0 ? credential.LastIndexOf('/', region - 1) : -1;
        if (date <= 0)
        {
            throw Malformed(presigned, "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        var dateText = credential.AsSpan(date + 1, region - date - 1);
        var regionText = credential.AsSpan(region + 1, service - region - 1);
        var serviceText = credential.AsSpan(service + 1, terminal - service - 1);
        var terminalText = credential.AsSpan(terminal + 1);
        if (!AmzDate.TryParseDate(dateText, out _))
        {
            throw Malformed(presigned, $"incorrect date format \"{dateText}\". This date in the credential must be in the format \"yyyyMMdd\".");
        }
        if (!regionText.SequenceEqual(expectedRegion))
        {
            // S3 names the right region in the body; s3cmd and others retry with it.
            var wrongRegion = Malformed(presigned, $"the region '{regionText}' is wrong; expecting '{expectedRegion}'");
            throw new StrataException(wrongRegion.Error, wrongRegion.Message) { Details = [new("Region", expectedRegion.ToString())] };
        }
        if (!serviceText.SequenceEqual(SigV4.Service))
        {
            throw Malformed(presigned, $"incorrect service \"{serviceText}\". This endpoint belongs to \"s3\".");
        }
        if (!terminalText.SequenceEqual(SigV4.Terminator))
        {
            throw Malformed(presigned, $"incorrect terminal \"{terminalText}\". This endpoint uses \"aws4_request\".");
        }
        return new CredentialScope(credential[..date], dateText.ToString(), expectedRegion, credential[(date + 1)..]);
    }

    public static StrataException Malformed(bool presigned, string detail) => presigned
        ? S3Fail.Exception(StrataError.AuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; " + detail)
        : S3Fail.Exception(StrataError.AuthorizationHeaderMalformed, "The authorization header is malformed; " + detail);
}
