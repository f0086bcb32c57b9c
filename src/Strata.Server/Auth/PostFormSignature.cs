using System.Security.Cryptography;
using System.Text;
using Strata.Core;

namespace Strata.Server.Auth;

/// <summary>
/// Who signed a browser-upload form. The signature covers only the base64 policy, exactly as sent:
/// Signature V4, hex(HMAC-SHA256(signing key of x-amz-credential's date and region, policy)); Signature V2,
/// base64(HMAC-SHA1(secret, policy)). A form without a policy is unsigned: the request's own authentication
/// (anonymous, for a browser) decides, and only a bucket policy can let an anonymous form write.
/// </summary>
internal static class PostFormSignature
{
    /// <summary>The principal that signed the form, and its key; null when the form carries no policy and no signature.</summary>
    public static SignedForm? Verify(IReadOnlyDictionary<string, string> fields, Credentials credentials, string region, bool sigV2Enabled)
    {
        if (!fields.TryGetValue("policy", out var policy) || policy.Length == 0)
        {
            if (fields.ContainsKey("x-amz-signature") || fields.ContainsKey("signature") || fields.ContainsKey("x-amz-credential")
                || fields.ContainsKey("awsaccesskeyid"))
            {
                throw Missing("policy");
            }
            return null;
        }
        if (fields.ContainsKey("x-amz-security-token"))
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, "Session tokens (X-Amz-Security-Token) are not supported by this server.");
        }
        return fields.ContainsKey("x-amz-algorithm") || fields.ContainsKey("x-amz-credential")
            ? VerifyV4(fields, policy, credentials, region)
            : sigV2Enabled ? VerifyV2(fields, policy, credentials) : throw S3Fail.Exception(StrataError.InvalidRequest, SigV2Verifier.TurnedOffMessage);
    }

    private static SignedForm VerifyV4(IReadOnlyDictionary<string, string> fields, string policy, Credentials credentials, string region)
    {
        var algorithm = Required(fields, "x-amz-algorithm");
        var credential = Required(fields, "x-amz-credential");
        Required(fields, "x-amz-date");
        var signature = Required(fields, "x-amz-signature");
        if (algorithm != SigV4.Algorithm)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, $"X-Amz-Algorithm only supports \"{SigV4.Algorithm}\"");
        }
        var parts = credential.Split('/');
        if (parts.Length != 5 || !AmzDate.TryParseDate(parts[1], out _) || parts[3] != SigV4.Service || parts[4] != SigV4.Terminator)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument,
                "Invalid X-Amz-Credential; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        if (parts[2] != region)
        {
            throw new StrataException(StrataError.AuthorizationHeaderMalformed,
                $"The authorization header is malformed; the region '{parts[2]}' is wrong; expecting '{region}'")
            { Details = [new("Region", region)] };
        }
        var secret = credentials.FindSecret(parts[0]) ?? throw S3Fail.Exception(StrataError.InvalidAccessKeyId);
        Span<byte> claimed = stackalloc byte[32];
        Span<byte> computed = stackalloc byte[32];
        if (!SigV4.TryDecodeHex(signature, claimed)) throw Mismatch();
        HMACSHA256.HashData(SigningKeyCache.Derive(secret, parts[1], region), Encoding.UTF8.GetBytes(policy), computed);
        if (!SigV4.SignaturesMatch(computed, claimed)) throw Mismatch();
        return new SignedForm(credentials.PrincipalOf(parts[0]), parts[0]);
    }

    private static SignedForm VerifyV2(IReadOnlyDictionary<string, string> fields, string policy, Credentials credentials)
    {
        var accessKeyId = Required(fields, "AWSAccessKeyId");
        var signature = Required(fields, "signature");
        var secret = credentials.FindSecret(accessKeyId) ?? throw S3Fail.Exception(StrataError.InvalidAccessKeyId);
        if (!SigV2.Verify(secret, policy, signature)) throw Mismatch();
        return new SignedForm(credentials.PrincipalOf(accessKeyId), accessKeyId);
    }

    private static string Required(IReadOnlyDictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && value.Length > 0 ? value : throw Missing(name);

    private static StrataException Missing(string name) => S3Fail.Exception(StrataError.InvalidArgument,
        $"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.");

    private static StrataException Mismatch() => S3Fail.Exception(StrataError.SignatureDoesNotMatch, SigV4.SignatureMismatchMessage);
}

/// <summary>Who signed a POST form: the principal its policy's signature names, and that access key's id (for the access log).</summary>
internal sealed record SignedForm(Principal Principal, string AccessKeyId);
