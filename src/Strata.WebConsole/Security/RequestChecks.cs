using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Strata.WebConsole.Security;

/// <summary>
/// The checks on a state-changing request: the session's synchronizer token in the form (compared in constant
/// time), and the browser's Origin and Sec-Fetch-Site headers, when it sends them, naming this very origin. Either failing: 403, nothing changes.
/// </summary>
internal static class RequestChecks
{
    public const string CsrfField = "csrf";

    /// <summary>
    /// False when the browser says the form came from elsewhere: Sec-Fetch-Site other than same-origin, or an Origin
    /// other than the request's own scheme://host[:port]. Our own Referrer-Policy (no-referrer) makes Chromium send
    /// "Origin: null" with our own forms, so a null Origin passes only with Sec-Fetch-Site: same-origin beside it.
    /// </summary>
    public static bool OriginMatches(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase)) return false;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        if (origin == "null") return site.Length > 0;
        var own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase);
    }

    public static bool TokenMatches(string? presented, string expected)
    {
        if (string.IsNullOrEmpty(presented)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>A form post: urlencoded or multipart, read with ASP.NET Core's limits; anything else is not a console form.</summary>
    public static bool IsForm(HttpRequest request) => request.HasFormContentType;
}
