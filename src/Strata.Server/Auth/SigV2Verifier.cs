using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Core;

namespace Strata.Server.Auth;

/// <summary>
/// Verifies a Signature Version 2 request: "Authorization: AWS AKID:signature" with a Date or x-amz-date within
/// 15 minutes, or a presigned URL (?AWSAccessKeyId=&amp;Expires=&amp;Signature=). Same keys, users and policies as
/// SigV4. SigV2 signs no payload: the body is taken as UNSIGNED-PAYLOAD, and Content-MD5, when sent, is signed
/// and then checked against the body by the operation (BadDigest).
/// Replays: S3 keeps no nonce, so a captured header-signed request is accepted again within the skew window, as
/// it is by S3; after it (or after a presigned URL's Expires) it is refused.
/// </summary>
internal sealed class SigV2Verifier(Credentials credentials, TimeProvider time, string baseDomain, bool enabled)
{
    public const string TurnedOffMessage =
        "Signature Version 2 is turned off on this server (strata serve --sigv2 on turns it on). Please use AWS4-HMAC-SHA256.";

    private const string InvalidDateMessage = "AWS authentication requires a valid Date or x-amz-date header";

    public bool Enabled { get; } = enabled;

    public AuthenticatedRequest FromHeader(HttpRequest request, string authorization, string rawPath, string rawQuery)
    {
        RefuseWhenTurnedOff();
        var credential = authorization.AsSpan(SigV2.AuthorizationPrefix.Length).Trim();
        var colon = credential.IndexOf(':');
        if (colon <= 0 || colon == credential.Length - 1)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
        }
        var accessKeyId = credential[..colon].ToString();
        var signature = credential[(colon + 1)..].Trim().ToString();

        var headers = request.Headers;
        var amzDate = headers[SigV4.DateHeader];
        var dateText = amzDate.Count > 0 ? amzDate.ToString() : headers.Date.ToString();
        if (!SigV2.TryParseDate(dateText, out var requestTime)) throw S3Fail.Exception(StrataError.AccessDenied, InvalidDateMessage);
        var secret = credentials.FindSecret(accessKeyId) ?? throw S3Fail.Exception(StrataError.InvalidAccessKeyId);
        var now = time.GetUtcNow();
        var skew = now - requestTime;
        if (skew > SigV4.MaxSkew || skew < -SigV4.MaxSkew) throw TooSkewed(requestTime, now);
        Common(request);

        var amzHeaders = SigV2.CanonicalizedAmzHeaders(AmzHeaders(request, fromQuery: false));
        var contentMd5 = headers.ContentMD5.ToString().Trim();
        var contentType = headers.ContentType.ToString().Trim();
        // S3: with x-amz-date the Date line is empty (x-amz-date is signed among the x-amz-* headers). botocore and
        // MinIO keep the Date header's value there: both are accepted, the first is the one an error shows.
        var dateHeader = headers.Date.ToString().Trim();
        string[] dateLines = amzDate.Count > 0 && dateHeader.Length > 0 ? ["", dateHeader] : [amzDate.Count > 0 ? "" : dateHeader];
        string? shown = null;
        foreach (var resource in SigV2.CanonicalizedResources(VirtualHostBucket(request), rawPath, rawQuery))
        {
            foreach (var dateLine in dateLines)
            {
                var stringToSign = SigV2.StringToSign(request.Method, contentMd5, contentType, dateLine, amzHeaders, resource);
                if (SigV2.Verify(secret, stringToSign, signature)) return RequestAuthenticator.Accept(request, accessKeyId, PayloadMode.Unsigned, default, chain: null);
                shown ??= stringToSign;
            }
        }
        throw Mismatch(accessKeyId, shown!, signature);
    }

    public AuthenticatedRequest FromQuery(HttpRequest request, string rawPath, string rawQuery)
    {
        RefuseWhenTurnedOff();
        var query = request.Query;
        var accessKeyId = Single(query, SigV2.QueryAccessKeyId);
        var signature = Single(query, SigV2.QuerySignature);
        var expiresText = Single(query, SigV2.QueryExpires);
        if (accessKeyId is null || signature is null || expiresText is null)
        {
            throw S3Fail.Exception(StrataError.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            throw S3Fail.Exception(StrataError.AccessDenied, $"Invalid date (should be seconds since epoch): {expiresText}");
        }
        var secret = credentials.FindSecret(accessKeyId) ?? throw S3Fail.Exception(StrataError.InvalidAccessKeyId);
        var now = time.GetUtcNow();
        if (now.ToUnixTimeSeconds() > expires)
        {
            throw new StrataException(StrataError.AccessDenied, "Request has expired")
            {
                Details = [new("Expires", FormatTime(DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(expires, 0, 253402300799)))), new("ServerTime", FormatTime(now))],
            };
        }
        if (query.ContainsKey(SigV4.QuerySecurityToken)) throw RequestAuthenticator.SessionTokensRefused();
        Common(request);

        // botocore's presigned SigV2 URLs carry Content-Type, Content-MD5 and x-amz-* headers as query parameters;
        // a browser that follows the URL cannot send them as headers.
        var headers = request.Headers;
        var contentMd5 = FirstOf(headers.ContentMD5.ToString(), query["content-md5"].ToString());
        var contentType = FirstOf(headers.ContentType.ToString(), query["content-type"].ToString());
        var amzHeaders = SigV2.CanonicalizedAmzHeaders(AmzHeaders(request, fromQuery: true));
        string? shown = null;
        foreach (var resource in SigV2.CanonicalizedResources(VirtualHostBucket(request), rawPath, rawQuery))
        {
            var stringToSign = SigV2.StringToSign(request.Method, contentMd5, contentType, expiresText, amzHeaders, resource);
            if (SigV2.Verify(secret, stringToSign, signature)) return RequestAuthenticator.Accept(request, accessKeyId, PayloadMode.Unsigned, default, chain: null);
            shown ??= stringToSign;
        }
        throw Mismatch(accessKeyId, shown!, signature);
    }

    private void RefuseWhenTurnedOff()
    {
        if (!Enabled) throw S3Fail.Exception(StrataError.InvalidRequest, TurnedOffMessage);
    }

    /// <summary>The checks both forms share: no session token, and a Content-MD5 that is the base64 of 16 bytes.</summary>
    private static void Common(HttpRequest request)
    {
        if (request.Headers.ContainsKey(SigV4.SecurityTokenHeader)) throw RequestAuthenticator.SessionTokensRefused();
        var md5 = request.Headers.ContentMD5;
        if (md5.Count == 0) return;
        Span<byte> digest = stackalloc byte[18];
        if (md5.Count > 1 || !Convert.TryFromBase64String(md5.ToString().Trim(), digest, out var written) || written != 16)
        {
            throw S3Fail.Exception(StrataError.InvalidDigest);
        }
    }

    private string? VirtualHostBucket(HttpRequest request) => Routing.S3Request.VirtualHostBucket(request.Host.Host, baseDomain);

    private static IEnumerable<KeyValuePair<string, string>> AmzHeaders(HttpRequest request, bool fromQuery)
    {
        foreach (var (name, values) in request.Headers)
        {
            if (!name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var value in values) yield return new(name, value ?? "");
        }
        if (!fromQuery) yield break;
        foreach (var (name, values) in request.Query)
        {
            if (!name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase) || request.Headers.ContainsKey(name)) continue;
            foreach (var value in values) yield return new(name, value ?? "");
        }
    }

    private static string FirstOf(string header, string query) => (header.Length > 0 ? header : query).Trim();

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    private static StrataException TooSkewed(DateTimeOffset requestTime, DateTimeOffset now) =>
        new(StrataError.RequestTimeTooSkewed, "The difference between the request time and the current time is too large.")
        {
            Details =
            [
                new("RequestTime", FormatTime(requestTime)),
                new("ServerTime", FormatTime(now)),
                new("MaxAllowedSkewMilliseconds", ((long)SigV4.MaxSkew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
            ],
        };

    /// <summary>
    /// S3's SigV2 SignatureDoesNotMatch carries what it signed, so a client author can see which part differs:
    /// the key id (never the secret), the StringToSign, the signature received and the StringToSign's bytes in hex.
    /// </summary>
    private static StrataException Mismatch(string accessKeyId, string stringToSign, string signatureProvided) =>
        new(StrataError.SignatureDoesNotMatch, SigV4.SignatureMismatchMessage)
        {
            Details =
            [
                new("AWSAccessKeyId", accessKeyId),
                new("StringToSign", stringToSign),
                new("SignatureProvided", signatureProvided),
                new("StringToSignBytes", string.Join(' ', System.Text.Encoding.UTF8.GetBytes(stringToSign).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))),
            ],
        };

    private static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
