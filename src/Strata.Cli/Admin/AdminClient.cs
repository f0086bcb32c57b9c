using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Strata.Bench.Client;

namespace Strata.Cli.Admin;

/// <summary>
/// Calls Strata's admin API (/_strata/admin/, see docs/ADMIN-API.md) with requests SigV4-signed by the root
/// user, exactly as S3 requests are signed.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;
    private readonly Uri _endpoint;

    public AdminClient(Uri endpoint, string accessKey, string secretKey, string region, string? caBundle)
    {
        _endpoint = endpoint;
        _signer = new SigV4Signer(accessKey, secretKey, region);
        var handler = Strata.Client.Connection.S3Connection.CreateHandler(new() { CaBundle = caBundle });
        _http = new HttpClient(handler) { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Sends one admin request; returns the JSON answer (null for 204), or throws <see cref="AdminException"/> with the server's message.</summary>
    public async Task<JsonDocument?> SendAsync(HttpMethod method, string path, (string Name, string Value)[]? query = null, string? body = null,
        CancellationToken cancellationToken = default)
    {
        var payload = body is null ? [] : System.Text.Encoding.UTF8.GetBytes(body);
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(payload));
        var amzDate = SigV4Signer.AmzDate(DateTime.UtcNow);
        var canonicalUri = SigV4Signer.UriEncode("/_strata/admin/" + path, keepSlash: true);
        var canonicalQuery = SigV4Signer.CanonicalQuery(query ?? []);
        var host = _endpoint.IsDefaultPort ? _endpoint.Host : _endpoint.Authority;
        using var request = new HttpRequestMessage(method, canonicalUri + (canonicalQuery.Length > 0 ? "?" + canonicalQuery : ""));
        request.Headers.TryAddWithoutValidation("Authorization", _signer.Authorization(method.Method, canonicalUri, canonicalQuery, host, payloadHash, amzDate));
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Content = new ByteArrayContent(payload);
        if (body is not null) request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw AdminException.From((int)response.StatusCode, text);
        return text.Length == 0 ? null : JsonDocument.Parse(text);
    }

    /// <summary>How long a request may take; set before the first request (a lifecycle run waits for the whole pass).</summary>
    public TimeSpan Timeout
    {
        set => _http.Timeout = value;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>An admin API refusal, in plain words.</summary>
internal sealed class AdminException(string message) : Exception(message)
{
    public static AdminException From(int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.GetProperty("error").GetString();
            var message = json.RootElement.GetProperty("message").GetString();
            var hint = code switch
            {
                "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" =>
                    " (the admin API needs the root user's keys: set STRATA_ROOT_ACCESS_KEY and STRATA_ROOT_SECRET_KEY)",
                _ => "",
            };
            return new AdminException($"{code}: {message}{hint}");
        }
        catch (JsonException)
        {
            return new AdminException($"HTTP {status}: {(body.Length > 200 ? body[..200] : body)}");
        }
    }
}
