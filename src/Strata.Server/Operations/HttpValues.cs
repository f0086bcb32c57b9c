using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Objects;

namespace Strata.Server.Operations;

/// <summary>Header and query values as S3 reads and writes them.</summary>
internal static class HttpValues
{
    public static string HttpDate(DateTimeOffset t) => t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>An HTTP date; S3 ignores a conditional header whose date it cannot parse.</summary>
    public static DateTimeOffset? ParseDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
    }

    public static string? Header(this HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;

    public static Preconditions ReadPreconditions(HttpRequest request, string prefix = "") => new(
        IfMatch: request.Header(prefix + "If-Match"),
        IfNoneMatch: request.Header(prefix + "If-None-Match"),
        IfModifiedSince: ParseDate(request.Header(prefix + "If-Modified-Since")),
        IfUnmodifiedSince: ParseDate(request.Header(prefix + "If-Unmodified-Since")));

    /// <summary>max-keys (or max-parts, max-uploads): a whole number, at most 1000 returned (S3 caps larger values).</summary>
    public static int MaxKeys(string? value, string parameter = "max-keys")
    {
        if (value is null) return 1000;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, $"Provided {parameter} not an integer or within integer range");
        }
        return Math.Min(n, 1000);
    }

    /// <summary>encoding-type: only "url" exists.</summary>
    /// <summary>
    /// If-Match / If-None-Match on a write (PutObject, CopyObject, CompleteMultipartUpload); null when neither is
    /// sent. S3 takes only '*' in If-None-Match on a write.
    /// </summary>
    public static WriteConditions? ReadWriteConditions(HttpRequest request)
    {
        var ifMatch = request.Header("If-Match");
        var ifNoneMatch = request.Header("If-None-Match");
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*") S3Fail.With(StrataError.NotImplemented, "If-None-Match on a write supports only '*'.");
        return ifMatch is null && ifNoneMatch is null ? null : new WriteConditions(ifMatch, ifNoneMatch is not null);
    }

    /// <summary>
    /// A stored header value as S3 answers it: as it is when Latin-1 can carry it (the response encoding), else
    /// RFC 2047-encoded ("=?UTF-8?B?...?="), as S3 documents for non-ASCII metadata.
    /// </summary>
    public static string MailSafe(string value)
    {
        foreach (var c in value)
        {
            if (c > '\u00ff') return "=?UTF-8?B?" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value)) + "?=";
        }
        return value;
    }

    public static bool UrlEncoding(string? value) => value switch
    {
        null => false,
        "url" => true,
        _ => throw S3Fail.Exception(StrataError.InvalidArgument, "Invalid Encoding Method specified in Request"),
    };

    /// <summary>S3's encoding-type=url form: UTF-8 percent-encoding (a space is %20, a '+' %2B), '/' kept.</summary>
    public static string UrlEncode(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        var text = new System.Text.StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' or (byte)'/')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }
}
