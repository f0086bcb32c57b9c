using Microsoft.AspNetCore.Http;

namespace Strata.WebConsole.Security;

/// <summary>The headers on every console answer: no inline script or style, no framing, no sniffing, no referrer.</summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>Pages show what one user may see at one moment: never kept by a browser or a proxy.</summary>
    public static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";
}
