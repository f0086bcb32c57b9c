using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Strata.WebConsole.Security;

/// <summary>
/// The checks on a state-changing request: the session's synchronizer token in the form (compared in constant
/// time), and an Origin header, when the browser sends one, naming this very origin. Either failing: 403, nothing changes.
/// </summary>
internal static class RequestChecks
{
    public const string CsrfField = "csrf";

    /// <summary>True when there is no Origin header, or it is the request's own scheme://host[:port].</summary>
    public static bool OriginMatches(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
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
