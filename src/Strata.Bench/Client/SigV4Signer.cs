using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Bench.Client;

/// <summary>
/// A lean AWS Signature Version 4 signer for S3's Authorization header. The bench sends thousands of requests a
/// second from a machine it shares with the server, so the canonical request is written into a pooled buffer
/// and hashed in place, and the signing key is derived once per day rather than four HMACs per request.
/// Bodies go as UNSIGNED-PAYLOAD, which S3 accepts over any transport.
/// </summary>
internal sealed class SigV4Signer
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string DefaultSignedHeaders = "host;x-amz-content-sha256;x-amz-date";

    private readonly string _accessKey;
    private readonly byte[] _secretPrefixed;
    private readonly string _region;
    private readonly string _service;
    private SigningKey? _key;

    public SigV4Signer(string accessKey, string secretKey, string region, string service = "s3")
    {
        _accessKey = accessKey;
        _secretPrefixed = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        _region = region;
        _service = service;
    }

    private sealed record SigningKey(string Date, byte[] Key, string CredentialPrefix);

    /// <summary>yyyyMMdd'T'HHmmss'Z', the x-amz-date form.</summary>
    public static string AmzDate(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The bench's request shape: host, x-amz-content-sha256 and x-amz-date signed, nothing else.</summary>
    public string Authorization(string method, string canonicalUri, string canonicalQuery, string host, string payloadHash, string amzDate)
    {
        ReadOnlySpan<(string, string)> headers = [("host", host), ("x-amz-content-sha256", payloadHash), ("x-amz-date", amzDate)];
        return Authorization(method, canonicalUri, canonicalQuery, headers, DefaultSignedHeaders, payloadHash, amzDate);
    }

    /// <summary>
    /// The Authorization header for any header set. <paramref name="sortedHeaders"/> holds lower-case names in
    /// ordinal order with trimmed values; <paramref name="signedHeaders"/> is their names joined by ';'.
    /// <paramref name="canonicalUri"/> and <paramref name="canonicalQuery"/> are already in SigV4's encoding.
    /// </summary>
    public string Authorization(string method, string canonicalUri, string canonicalQuery, ReadOnlySpan<(string Name, string Value)> sortedHeaders,
        string signedHeaders, string payloadHash, string amzDate)
    {
        var key = KeyFor(amzDate.AsSpan(0, 8));
        Span<byte> signature = stackalloc byte[32];
        Sign(key, method, canonicalUri, canonicalQuery, sortedHeaders, signedHeaders, payloadHash, amzDate, signature);
        return string.Concat(key.CredentialPrefix, signedHeaders, ", Signature=", Convert.ToHexStringLower(signature));
    }

    private void Sign(SigningKey key, string method, string uri, string query, ReadOnlySpan<(string Name, string Value)> headers,
        string signedHeaders, string payloadHash, string amzDate, Span<byte> signature)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            var length = 0;
            Append(ref buffer, ref length, method);
            Append(ref buffer, ref length, '\n');
            Append(ref buffer, ref length, uri);
            Append(ref buffer, ref length, '\n');
            Append(ref buffer, ref length, query);
            Append(ref buffer, ref length, '\n');
            foreach (var (name, value) in headers)
            {
                Append(ref buffer, ref length, name);
                Append(ref buffer, ref length, ':');
                Append(ref buffer, ref length, value);
                Append(ref buffer, ref length, '\n');
            }
            Append(ref buffer, ref length, '\n');
            Append(ref buffer, ref length, signedHeaders);
            Append(ref buffer, ref length, '\n');
            Append(ref buffer, ref length, payloadHash);

            Span<byte> canonicalHash = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, length), canonicalHash);

            // String to sign: algorithm, timestamp, scope, hex(hash(canonical request)).
            length = 0;
            Append(ref buffer, ref length, Algorithm);
            Append(ref buffer, ref length, '\n');
            Append(ref buffer, ref length, amzDate);
            Append(ref buffer, ref length, '\n');
            Append(ref buffer, ref length, key.Date);
            Append(ref buffer, ref length, '/');
            Append(ref buffer, ref length, _region);
            Append(ref buffer, ref length, '/');
            Append(ref buffer, ref length, _service);
            Append(ref buffer, ref length, "/aws4_request\n");
            Ensure(ref buffer, length, 64);
            Convert.TryToHexStringLower(canonicalHash, buffer.AsSpan(length, 64), out var written);
            length += written;
            HMACSHA256.HashData(key.Key, buffer.AsSpan(0, length), signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private SigningKey KeyFor(ReadOnlySpan<char> date)
    {
        var current = _key;
        if (current is not null && date.SequenceEqual(current.Date)) return current;
        var dateText = date.ToString();
        var key = Hmac(_secretPrefixed, dateText);
        key = Hmac(key, _region);
        key = Hmac(key, _service);
        key = Hmac(key, "aws4_request");
        var prefix = $"{Algorithm} Credential={_accessKey}/{dateText}/{_region}/{_service}/aws4_request, SignedHeaders=";
        current = new SigningKey(dateText, key, prefix);
        _key = current; // a race only derives the same key twice
        return current;
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static void Append(ref byte[] buffer, ref int length, char c)
    {
        Ensure(ref buffer, length, 1);
        buffer[length++] = (byte)c;
    }

    private static void Append(ref byte[] buffer, ref int length, string text)
    {
        Ensure(ref buffer, length, Encoding.UTF8.GetMaxByteCount(text.Length));
        length += Encoding.UTF8.GetBytes(text, buffer.AsSpan(length));
    }

    private static void Ensure(ref byte[] buffer, int length, int more)
    {
        if (length + more <= buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + more));
        buffer.AsSpan(0, length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }

    /// <summary>
    /// SigV4's URI encoding: each UTF-8 byte outside A-Za-z0-9-._~ as %XX (upper-case hex), '/' kept in paths.
    /// The same text goes on the request line, so what is signed is what is sent.
    /// </summary>
    public static string UriEncode(string value, bool keepSlash)
    {
        var plain = true;
        foreach (var c in value)
        {
            if (!IsUnreserved(c) && !(keepSlash && c == '/'))
            {
                plain = false;
                break;
            }
        }
        if (plain) return value;
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (IsUnreserved((char)b) || (keepSlash && b == (byte)'/')) builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    /// <summary>Canonical query: names and values encoded, pairs sorted by name then value, joined by '&amp;'.</summary>
    public static string CanonicalQuery(params (string Name, string Value)[] parameters)
    {
        var encoded = new (string Name, string Value)[parameters.Length];
        for (var i = 0; i < parameters.Length; i++) encoded[i] = (UriEncode(parameters[i].Name, false), UriEncode(parameters[i].Value, false));
        Array.Sort(encoded, static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        var builder = new StringBuilder();
        foreach (var (name, value) in encoded)
        {
            if (builder.Length > 0) builder.Append('&');
            builder.Append(name).Append('=').Append(value);
        }
        return builder.ToString();
    }
}
