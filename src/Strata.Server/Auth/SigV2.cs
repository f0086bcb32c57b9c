using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Server.Auth;

/// <summary>
/// AWS Signature Version 2 as S3 defines it ("Signing and authenticating REST requests"):
/// Base64(HMAC-SHA1(secret, StringToSign)), where StringToSign is
/// HTTP-Verb \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders CanonicalizedResource.
/// Pure functions of their arguments; <see cref="SigV2Verifier"/> applies them to a request.
/// </summary>
internal static class SigV2
{
    public const string AuthorizationPrefix = "AWS ";
    public const string QueryAccessKeyId = "AWSAccessKeyId";
    public const string QuerySignature = "Signature";
    public const string QueryExpires = "Expires";

    /// <summary>An HMAC-SHA1 signature is 20 bytes.</summary>
    public const int SignatureLength = 20;

    /// <summary>
    /// The query parameters S3 signs as part of CanonicalizedResource: the sub-resources its documentation lists
    /// (acl ... website, delete, the response-* overrides), and those botocore's HmacV1Auth signs, since boto3 and
    /// awscli v1 are the clients that still send SigV2. A parameter in one list but not the client's would fail
    /// every such request; everything else in the query is unsigned, as on S3.
    /// </summary>
    private static readonly FrozenSet<string> SubResources = FrozenSet.Create(StringComparer.Ordinal,
        "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle", "location",
        "logging", "metrics", "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment",
        "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "restore", "select", "select-type",
        "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website");

    /// <summary>
    /// Base64(HMAC-SHA1(secret, text)): a request's StringToSign, or the base64 policy document of a
    /// browser-based POST upload, which S3 signs the same way.
    /// </summary>
    public static string Sign(string secret, string text)
    {
        Span<byte> mac = stackalloc byte[SignatureLength];
        Compute(secret, text, mac);
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// Whether <paramref name="claimedBase64"/> is the signature of <paramref name="text"/>, compared in constant time
    /// as base64 text: decoding the claim instead would accept other spellings of it (the last character's two unused
    /// bits), so a changed character could still pass.
    /// </summary>
    public static bool Verify(string secret, string text, string claimedBase64)
    {
        Span<byte> mac = stackalloc byte[SignatureLength];
        Compute(secret, text, mac);
        Span<byte> computed = stackalloc byte[28]; // base64 of 20 bytes
        if (!System.Buffers.Text.Base64.EncodeToUtf8(mac, computed, out _, out var written).Equals(System.Buffers.OperationStatus.Done)
            || written != computed.Length)
        {
            return false;
        }
        Span<byte> claimed = stackalloc byte[computed.Length];
        return claimedBase64.Length == computed.Length
            && Encoding.ASCII.GetBytes(claimedBase64, claimed) == computed.Length
            && SigV4.SignaturesMatch(computed, claimed);
    }

    private static void Compute(string secret, string text, Span<byte> destination) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text), destination);

    public static string StringToSign(string method, string contentMd5, string contentType, string date,
        string canonicalizedAmzHeaders, string canonicalizedResource) =>
        string.Concat(method, "\n", contentMd5, "\n", contentType, "\n", date, "\n") + canonicalizedAmzHeaders + canonicalizedResource;

    /// <summary>
    /// Every x-amz-* header: name lower-cased, sorted by name, repeated headers joined by commas, values trimmed and
    /// unfolded, each line ending in \n.
    /// </summary>
    public static string CanonicalizedAmzHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            if (!name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)) continue;
            var key = name.ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values)) byName[key] = values = [];
            values.Add(Unfold(value));
        }
        var text = new StringBuilder();
        foreach (var (name, values) in byName) text.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        return text.ToString();
    }

    private static string Unfold(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.AsSpan().IndexOfAny('\r', '\n') < 0) return trimmed;
        var text = new StringBuilder(trimmed.Length);
        var inFold = false;
        foreach (var c in trimmed)
        {
            if (c is '\r' or '\n') { inFold = true; continue; }
            if (inFold && c is ' ' or '\t') continue;
            if (inFold) text.Append(' ');
            inFold = false;
            text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>
    /// "/bucket" when the bucket is named by the Host (virtual-hosted style), then the request path exactly as sent
    /// (still percent-encoded), then "?" and the signed sub-resources sorted by name, each name=value with its value
    /// percent-decoded, joined by '&amp;'.
    /// </summary>
    public static string CanonicalizedResource(string? virtualHostBucket, string rawPath, string rawQuery) =>
        ResourcePath(virtualHostBucket, rawPath) + SubResourceSuffix(rawQuery);

    /// <summary>
    /// <see cref="CanonicalizedResource"/> first, then the forms botocore signs for the same request, which a server
    /// must accept to serve boto3 and awscli v1: a request for a bucket alone signed as "/bucket/" (botocore's
    /// authPath, also for path-style "/bucket"); and, in botocore 1.29 (boto3 1.26, Debian 12's python3-boto3), the operation's
    /// literal query kept in the path before the sub-resources are appended again ("/bucket?versioning?versioning").
    /// Each still signs the method, path and sub-resources.
    /// </summary>
    public static IEnumerable<string> CanonicalizedResources(string? virtualHostBucket, string rawPath, string rawQuery)
    {
        var path = ResourcePath(virtualHostBucket, rawPath);
        var suffix = SubResourceSuffix(rawQuery);
        yield return path + suffix;
        var bucketOnly = path.Length > 1 && path.IndexOf('/', 1) < 0;
        if (bucketOnly) yield return path + "/" + suffix;
        if (rawQuery.Length > 0)
        {
            var ampersand = rawQuery.IndexOf('&');
            yield return path + "?" + (ampersand < 0 ? rawQuery : rawQuery[..ampersand]) + suffix;
        }
    }

    private static string ResourcePath(string? virtualHostBucket, string rawPath)
    {
        var path = rawPath.Length == 0 ? "/" : rawPath;
        return virtualHostBucket is null ? path : "/" + virtualHostBucket + path;
    }

    private static string SubResourceSuffix(string rawQuery)
    {
        List<(string Name, string? Value)>? signed = null;
        foreach (var range in rawQuery.AsSpan().Split('&'))
        {
            var part = rawQuery.AsSpan()[range];
            var equals = part.IndexOf('=');
            var name = (equals < 0 ? part : part[..equals]).ToString();
            if (!SubResources.Contains(name)) continue;
            (signed ??= []).Add((name, equals < 0 ? null : Uri.UnescapeDataString(part[(equals + 1)..].ToString())));
        }
        if (signed is null) return "";
        // Stable by name, as botocore sorts; a repeated name keeps its order in the query.
        var ordered = signed.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        for (var i = 0; i < ordered.Count; i++)
        {
            text.Append(i == 0 ? '?' : '&').Append(ordered[i].Name);
            if (ordered[i].Value is { } value) text.Append('=').Append(value);
        }
        return text.ToString();
    }

    /// <summary>
    /// Date or x-amz-date as SigV2 clients write it: RFC 1123 with "GMT" or a numeric zone ("+0000", as in S3's
    /// examples), other HTTP date forms, or SigV4's basic ISO 8601. The weekday is not checked. A date before
    /// 1970 is no date (S3: AccessDenied, not RequestTimeTooSkewed).
    /// </summary>
    public static bool TryParseDate(string text, out DateTimeOffset value)
    {
        value = default;
        var trimmed = text.Trim();
        if (AmzDate.TryParseTimestamp(trimmed, out value)) return true;
        var comma = trimmed.IndexOf(',');
        var rest = comma >= 0 ? trimmed[(comma + 1)..].Trim() : trimmed;
        var parsed = DateTimeOffset.TryParseExact(rest, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value)
            || DateTimeOffset.TryParse(rest, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
        return parsed && value.UtcDateTime.Year >= 1970;
    }

    private static readonly string[] DateFormats =
    [
        "d MMM yyyy HH:mm:ss 'GMT'", "d MMM yyyy HH:mm:ss 'UTC'", "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss 'GMT'zzz",
        "d-MMM-yy HH:mm:ss 'GMT'", "MMM d HH:mm:ss yyyy",
    ];
}
