using Strata.Core;

namespace Strata.Server.Auth;

/// <summary>
/// "AWS4-HMAC-SHA256 Credential=AKID/date/region/s3/aws4_request, SignedHeaders=a;b, Signature=hex".
/// Components are separated by commas with optional spaces, in any order, each exactly once.
/// </summary>
internal readonly record struct AuthorizationHeader(string Credential, string SignedHeaders, string Signature)
{
    public static AuthorizationHeader Parse(string value)
    {
        var text = value.AsSpan().Trim();
        if (!text.StartsWith(SigV4.Algorithm, StringComparison.Ordinal) || text.Length == SigV4.Algorithm.Length || text[SigV4.Algorithm.Length] != ' ')
        {
            // Anything but SigV4 and SigV2 ("AWS AKID:sig", which never reaches here).
            throw S3Fail.Exception(StrataError.InvalidRequest,
                "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }
        text = text[(SigV4.Algorithm.Length + 1)..];
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var range in text.Split(','))
        {
            var part = text[range].Trim();
            var equals = part.IndexOf('=');
            if (equals <= 0) throw Malformed($"the component \"{part}\" is not of the form key=value.");
            var key = part[..equals];
            var item = part[(equals + 1)..].ToString();
            if (key.SequenceEqual("Credential") && credential is null) credential = item;
            else if (key.SequenceEqual("SignedHeaders") && signedHeaders is null) signedHeaders = item;
            else if (key.SequenceEqual("Signature") && signature is null) signature = item;
            else throw Malformed($"the component \"{key}\" is unknown or repeated.");
        }
        if (credential is null || signedHeaders is null || signature is null)
        {
            throw Malformed("it must hold Credential, SignedHeaders and Signature.");
        }
        return new AuthorizationHeader(credential, signedHeaders, signature);
    }

    private static StrataException Malformed(string detail) =>
        S3Fail.Exception(StrataError.AuthorizationHeaderMalformed, "The authorization header is malformed; " + detail);
}
