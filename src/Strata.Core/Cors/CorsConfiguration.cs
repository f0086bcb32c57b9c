namespace Strata.Core.Cors;

/// <summary>
/// A bucket's CORS configuration: S3 uses the first rule that matches a request's origin, method (or
/// Access-Control-Request-Method) and Access-Control-Request-Headers.
/// </summary>
public sealed class CorsConfiguration
{
    /// <summary>S3: a CORS configuration holds at most 100 rules.</summary>
    public const int MaxRules = 100;

    /// <summary>S3: a rule's ID is at most 255 characters.</summary>
    public const int MaxIdLength = 255;

    /// <summary>The methods an AllowedMethod may name, exactly as written (upper case).</summary>
    public static readonly IReadOnlyList<string> Methods = ["GET", "PUT", "HEAD", "POST", "DELETE"];

    public IReadOnlyList<CorsRule> Rules { get; }

    private CorsConfiguration(IReadOnlyList<CorsRule> rules) => Rules = rules;

    /// <summary>
    /// Validates the rules as PutBucketCors does: MalformedXML for the shape of the whole document first (no rule,
    /// more than 100, a rule without AllowedOrigin or AllowedMethod, an ID over 255 characters), then
    /// InvalidRequest for the first bad value, rule by rule: a method S3 does not allow, an AllowedOrigin or
    /// AllowedHeader with more than one '*', an ExposeHeader with any.
    /// </summary>
    public static CorsConfiguration Create(IReadOnlyList<CorsRule> rules)
    {
        if (rules.Count == 0 || rules.Count > MaxRules) S3Fail.With(StrataError.MalformedXML);
        foreach (var rule in rules)
        {
            if (rule.AllowedOrigins.Count == 0 || rule.AllowedMethods.Count == 0 || rule.Id?.Length > MaxIdLength)
            {
                S3Fail.With(StrataError.MalformedXML);
            }
        }
        foreach (var rule in rules)
        {
            foreach (var method in rule.AllowedMethods)
            {
                if (!IsMethod(method)) S3Fail.With(StrataError.InvalidRequest, $"Found unsupported HTTP method in CORS config. Unsupported method is {method}");
            }
            foreach (var origin in rule.AllowedOrigins)
            {
                if (Wildcards(origin) > 1) S3Fail.With(StrataError.InvalidRequest, $"AllowedOrigin \"{origin}\" can not have more than one wildcard.");
            }
            foreach (var header in rule.AllowedHeaders)
            {
                if (Wildcards(header) > 1) S3Fail.With(StrataError.InvalidRequest, $"AllowedHeader \"{header}\" can not have more than one wildcard.");
            }
            foreach (var header in rule.ExposeHeaders)
            {
                if (Wildcards(header) > 0)
                {
                    S3Fail.With(StrataError.InvalidRequest, $"ExposeHeader \"{header}\" contains wildcard. We currently do not support wildcard for ExposeHeader.");
                }
            }
        }
        return new CorsConfiguration(rules);
    }

    /// <summary>The first rule that allows the request, or null.</summary>
    public CorsRule? Match(string origin, string method, IReadOnlyList<string> requestHeaders)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(origin, method, requestHeaders)) return rule;
        }
        return null;
    }

    public static bool IsMethod(string method)
    {
        foreach (var allowed in Methods)
        {
            if (allowed == method) return true;
        }
        return false;
    }

    /// <summary>The names of an Access-Control-Request-Headers value ("a, b,c"), trimmed and without empty ones.</summary>
    public static IReadOnlyList<string> HeaderList(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        var names = new List<string>();
        foreach (var part in value.Split(','))
        {
            var name = part.Trim();
            if (name.Length > 0) names.Add(name);
        }
        return names;
    }

    private static int Wildcards(string value)
    {
        var count = 0;
        foreach (var c in value)
        {
            if (c == '*') count++;
        }
        return count;
    }
}
