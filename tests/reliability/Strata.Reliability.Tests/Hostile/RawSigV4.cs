using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// A SigV4-signed request as its parts, so a test can sign it correctly and then change exactly one part
/// (a signed header name, the date, the scope, the payload hash, the signature) before it is sent raw.
/// The path is signed and sent exactly as written: no dot-segment removal, no re-escaping.
/// </summary>
internal sealed record RawSigV4
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    public required string Method { get; init; }
    public required string RawPath { get; init; }
    public string Query { get; init; } = "";
    public required SortedDictionary<string, string> Headers { get; init; }
    public byte[] Body { get; init; } = [];
    public string Algorithm { get; init; } = "AWS4-HMAC-SHA256";
    public required string AccessKey { get; init; }
    public required string ScopeDate { get; init; }
    public string Region { get; init; } = "us-east-1";
    public string Service { get; init; } = "s3";
    public string Terminator { get; init; } = "aws4_request";
    public required string SignedHeaders { get; init; }
    public string Signature { get; init; } = "";

    /// <summary>The Authorization header, or null to send none.</summary>
    public string? Authorization =>
        Algorithm.Length == 0 ? null : $"{Algorithm} Credential={AccessKey}/{ScopeDate}/{Region}/{Service}/{Terminator}, SignedHeaders={SignedHeaders}, Signature={Signature}";

    /// <summary>A correctly signed request; <paramref name="payloadHash"/> defaults to the body's SHA-256.</summary>
    public static RawSigV4 Create(Uri endpoint, string method, string rawPath, string query = "", byte[]? body = null,
        IDictionary<string, string>? headers = null, DateTimeOffset? at = null, string? payloadHash = null,
        string accessKey = PublishedServerKeys.AccessKey, string secretKey = PublishedServerKeys.SecretKey)
    {
        body ??= [];
        var amzDate = (at ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = endpoint.Authority,
            ["x-amz-content-sha256"] = payloadHash ?? Convert.ToHexStringLower(SHA256.HashData(body)),
            ["x-amz-date"] = amzDate,
        };
        if (headers is not null)
        {
            foreach (var (name, value) in headers) all[name.ToLowerInvariant()] = value;
        }
        var request = new RawSigV4
        {
            Method = method,
            RawPath = rawPath,
            Query = query,
            Headers = all,
            Body = body,
            AccessKey = accessKey,
            ScopeDate = amzDate[..8],
            SignedHeaders = string.Join(';', all.Keys),
        };
        return request with { Signature = request.ComputeSignature(secretKey) };
    }

    /// <summary>The signature of these parts as they stand (after a mutation too).</summary>
    public string ComputeSignature(string secretKey)
    {
        var names = SignedHeaders.Split(';');
        var canonical = new StringBuilder()
            .Append(Method).Append('\n')
            .Append(Encode(RawPath, keepSlash: true)).Append('\n')
            .Append(CanonicalQuery()).Append('\n');
        foreach (var name in names) canonical.Append(name).Append(':').Append(Headers.GetValueOrDefault(name, "").Trim()).Append('\n');
        canonical.Append('\n').Append(SignedHeaders).Append('\n').Append(Headers["x-amz-content-sha256"]);
        var scope = $"{ScopeDate}/{Region}/{Service}/{Terminator}";
        var toSign = $"AWS4-HMAC-SHA256\n{Headers["x-amz-date"]}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), ScopeDate), Region), Service), Terminator);
        return Convert.ToHexStringLower(Hmac(key, toSign));
    }

    /// <summary>The request's bytes; <paramref name="contentLength"/> may lie about the body.</summary>
    public byte[] Head(long? contentLength = null)
    {
        var target = RawPath + (Query.Length > 0 ? "?" + Query : "");
        var head = new StringBuilder().Append(Method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(Headers["host"]).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            if (name != "host") head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (Authorization is { } authorization) head.Append("Authorization: ").Append(authorization).Append("\r\n");
        head.Append("Content-Length: ").Append(contentLength ?? Body.Length).Append("\r\n");
        head.Append("Connection: close\r\n\r\n");
        return Encoding.UTF8.GetBytes(head.ToString());
    }

    private string CanonicalQuery()
    {
        var pairs = Query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            var eq = part.IndexOf('=');
            return eq < 0 ? (Name: Encode(part, false), Value: "") : (Name: Encode(part[..eq], false), Value: Encode(part[(eq + 1)..], false));
        });
        return string.Join('&', pairs.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => p.Name + "=" + p.Value));
    }

    // SigV4: decode %XX once, then escape every byte outside A-Za-z0-9-._~ (and '/' in the path) as upper-case %XX.
    private static string Encode(string raw, bool keepSlash)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && char.IsAsciiHexDigit(raw[i + 1]) && char.IsAsciiHexDigit(raw[i + 2]))
            {
                bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(raw[i].ToString()));
            }
        }
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' || (keepSlash && c == '/')) text.Append(c);
            else text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}

internal static class PublishedServerKeys
{
    public const string AccessKey = StrataServer.AccessKey;
    public const string SecretKey = StrataServer.SecretKey;
}
