using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Testing;

/// <summary>
/// Hand-made SigV4 requests (Authorization header, UNSIGNED-PAYLOAD or a hex payload hash) for what the
/// SDK will not send: odd query parameters, malformed bodies, hostile headers.
/// </summary>
public sealed class SignedRequests(Uri endpoint, string accessKey, string secretKey, string region = "us-east-1", HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler()) { BaseAddress = endpoint };

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string query = "", string? body = null,
        IDictionary<string, string>? headers = null, DateTimeOffset? at = null)
    {
        var now = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var payload = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(payload));
        var host = endpoint.Authority;

        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        if (headers is not null)
        {
            foreach (var (k, v) in headers) signed[k.ToLowerInvariant()] = v.Trim();
        }
        var canonicalQuery = string.Join('&', ParseQuery(query)
            .Select(p => (Name: Encode(p.Name), Value: Encode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
        var signedHeaders = string.Join(';', signed.Keys);
        var canonical = string.Join('\n', method.Method, path, canonicalQuery,
            string.Concat(signed.Select(h => h.Key + ":" + h.Value + "\n")), signedHeaders, payloadHash);
        var scope = $"{date}/{region}/s3/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date), region), "s3"), "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, toSign));

        var request = new HttpRequestMessage(method, path + (query.Length > 0 ? "?" + query : ""));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        foreach (var (k, v) in signed)
        {
            if (k == "host") continue;
            if (!request.Headers.TryAddWithoutValidation(k, v)) { }
        }
        request.Content = new ByteArrayContent(payload);
        request.Content.Headers.ContentType = null;
        if (headers is not null && headers.TryGetValue("content-type", out var contentType)) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return _http.SendAsync(request);
    }

    private static IEnumerable<(string Name, string Value)> ParseQuery(string query)
    {
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            yield return eq < 0 ? (Uri.UnescapeDataString(part), "") : (Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..]));
        }
    }

    private static string Encode(string value) => Uri.EscapeDataString(value);

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    public void Dispose() => _http.Dispose();
}
