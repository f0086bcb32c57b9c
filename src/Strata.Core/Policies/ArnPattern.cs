namespace Strata.Core.Policies;

/// <summary>
/// An ArnEquals / ArnLike value. IAM: "Each of the six colon-delimited components of the ARN is checked separately
/// and each can include multi-character match wildcards (*) or single-character match wildcards (?)", so a '*'
/// in the account part never reaches into the resource part.
/// </summary>
internal sealed class ArnPattern
{
    private const int Components = 6;

    // Null when the value is not shaped like an ARN (e.g. "*"): then it is matched as one glob.
    private readonly WildcardPattern[]? _components;
    private readonly WildcardPattern _whole;

    private ArnPattern(WildcardPattern[]? components, WildcardPattern whole)
    {
        _components = components;
        _whole = whole;
    }

    public static ArnPattern Compile(string source, bool variables)
    {
        var whole = WildcardPattern.Compile(source, wildcards: true, variables, ignoreCase: false);
        Span<Range> parts = stackalloc Range[Components];
        if (!TrySplit(source, parts)) return new ArnPattern(null, whole);
        var components = new WildcardPattern[Components];
        for (var i = 0; i < Components; i++)
        {
            // IAM: variables are allowed only in the resource part, after the fifth colon.
            components[i] = WildcardPattern.Compile(source[parts[i]], wildcards: true, variables && i == Components - 1, ignoreCase: false);
        }
        return new ArnPattern(components, whole);
    }

    public bool IsMatch(string arn, RequestContext context, ref bool unresolved)
    {
        if (_components is null) return _whole.IsMatch(arn, context, ref unresolved);
        Span<Range> parts = stackalloc Range[Components];
        if (!TrySplit(arn, parts)) return false;
        for (var i = 0; i < Components; i++)
        {
            if (!_components[i].IsMatch(arn.AsSpan()[parts[i]], context, ref unresolved)) return false;
        }
        return true;
    }

    // "arn:partition:service:region:account:resource": the resource part keeps any further colons.
    private static bool TrySplit(string arn, Span<Range> parts)
    {
        var start = 0;
        for (var i = 0; i < Components - 1; i++)
        {
            var colon = arn.IndexOf(':', start);
            if (colon < 0) return false;
            parts[i] = start..colon;
            start = colon + 1;
        }
        parts[Components - 1] = start..arn.Length;
        return true;
    }
}
