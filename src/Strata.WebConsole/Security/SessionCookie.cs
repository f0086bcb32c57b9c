using Microsoft.AspNetCore.Http;

namespace Strata.WebConsole.Security;

/// <summary>
/// The session cookie carries only the session's id: HttpOnly, SameSite=Strict, limited to the console's path,
/// Secure when the request came over HTTPS, and no Max-Age (it ends with the browser; the server ends it sooner).
/// </summary>
internal static class SessionCookie
{
    public const string Name = "strata-console";

    public static string? Read(HttpRequest request) => request.Cookies.TryGetValue(Name, out var id) ? id : null;

    public static void Write(HttpContext http, string sessionId) => http.Response.Cookies.Append(Name, sessionId, Options(http));

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = ConsolePaths.Base,
        Secure = http.Request.IsHttps,
        IsEssential = true,
    };
}
