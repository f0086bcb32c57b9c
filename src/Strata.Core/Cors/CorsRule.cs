namespace Strata.Core.Cors;

/// <summary>One CORSRule of a bucket's CORS configuration, as S3 stores it.</summary>
public sealed record CorsRule
{
    public string? Id { get; init; }
    public required IReadOnlyList<string> AllowedOrigins { get; init; }
    public required IReadOnlyList<string> AllowedMethods { get; init; }
    public IReadOnlyList<string> AllowedHeaders { get; init; } = [];
    public IReadOnlyList<string> ExposeHeaders { get; init; } = [];
    public int? MaxAgeSeconds { get; init; }

    /// <summary>An AllowedOrigin of "*": S3 then answers Access-Control-Allow-Origin: * and no Allow-Credentials.</summary>
    public bool AllowsAnyOrigin
    {
        get
        {
            foreach (var origin in AllowedOrigins)
            {
                if (origin == "*") return true;
            }
            return false;
        }
    }

    /// <summary>
    /// S3's test for one rule: the origin matches an AllowedOrigin, the method is an AllowedMethod, and every
    /// requested header matches an AllowedHeader. Origins compare as written; header names ignore case.
    /// </summary>
    public bool Matches(string origin, string method, IReadOnlyList<string> requestHeaders)
    {
        if (!AnyMatches(AllowedOrigins, origin, StringComparison.Ordinal)) return false;
        if (!Contains(AllowedMethods, method)) return false;
        foreach (var header in requestHeaders)
        {
            if (!AnyMatches(AllowedHeaders, header, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (var candidate in values)
        {
            if (candidate == value) return true;
        }
        return false;
    }

    private static bool AnyMatches(IReadOnlyList<string> patterns, string value, StringComparison comparison)
    {
        foreach (var pattern in patterns)
        {
            if (WildcardMatches(pattern, value, comparison)) return true;
        }
        return false;
    }

    /// <summary>A pattern with at most one '*', which stands for any run of characters, the empty one included.</summary>
    public static bool WildcardMatches(string pattern, string value, StringComparison comparison)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return string.Equals(pattern, value, comparison);
        var prefix = pattern.AsSpan(0, star);
        var suffix = pattern.AsSpan(star + 1);
        return value.Length >= prefix.Length + suffix.Length
            && value.AsSpan().StartsWith(prefix, comparison)
            && value.AsSpan().EndsWith(suffix, comparison);
    }
}
