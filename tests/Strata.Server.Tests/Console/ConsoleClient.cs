using System.Net;
using System.Text.RegularExpressions;

namespace Strata.Server.Tests.Console;

/// <summary>
/// A browser's part in the console's HTTP conversation, without a browser: a cookie jar, redirects not followed
/// (so a test sees each 303), forms posted as application/x-www-form-urlencoded with the page's CSRF token.
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    public const string Base = "/_strata/console";

    private readonly HttpClient _http;

    public ConsoleClient(StrataServer server)
    {
        var handler = (SocketsHttpHandler)server.CreateHandler();
        handler.AllowAutoRedirect = false;
        handler.UseCookies = true;
        handler.CookieContainer = Cookies;
        _http = new HttpClient(handler) { BaseAddress = server.Endpoint };
        Origin = server.Endpoint.GetLeftPart(UriPartial.Authority);
    }

    public CookieContainer Cookies { get; } = new();

    /// <summary>The Origin header a browser sends with a form post from the console's own pages.</summary>
    public string Origin { get; }

    /// <summary>The last CSRF token seen in a page.</summary>
    public string? CsrfToken { get; private set; }

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (CsrfPattern().Match(text) is { Success: true } match) CsrfToken = WebUtility.HtmlDecode(match.Groups[1].Value);
        return response;
    }

    /// <summary>GETs a page that must answer 200, and returns its HTML.</summary>
    public async Task<string> PageAsync(string path)
    {
        var response = await GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return text;
    }

    /// <summary>Posts a form; the session's CSRF token is added unless <paramref name="csrf"/> says otherwise ("" leaves it out).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>>? fields = null, string? csrf = null, string? origin = null,
        string? fetchSite = null)
    {
        var all = new List<KeyValuePair<string, string>>(fields ?? []);
        var token = csrf ?? CsrfToken;
        if (!string.IsNullOrEmpty(token)) all.Add(new("csrf", token));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(all) };
        request.Headers.TryAddWithoutValidation("Origin", origin ?? Origin);
        if (fetchSite is not null) request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        return _http.SendAsync(request);
    }

    /// <summary>Signs in through the form (the answer is a 303 to the page asked for, or the form again with the refusal).</summary>
    public Task<HttpResponseMessage> SignInAsync(string accessKeyId, string secretKey, string? returnTo = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("accessKeyId", accessKeyId), new("secretKey", secretKey) };
        if (returnTo is not null) fields.Add(new("return", returnTo));
        return PostAsync(Base + "/sign-in", fields, csrf: "");
    }

    public async Task SignInAsRootAsync()
    {
        var response = await SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfPattern();
}
