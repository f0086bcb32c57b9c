namespace Strata.Core.Policies;

internal enum ConditionFamily : byte { String, Numeric, Date, Bool, IpAddress, Arn, Null }

internal enum Comparison : byte { Equals, LessThan, LessThanEquals, GreaterThan, GreaterThanEquals }

/// <summary>How a multivalued request key is compared: plain, ForAnyValue: or ForAllValues:.</summary>
internal enum SetQualifier : byte { None, ForAnyValue, ForAllValues }

/// <summary>
/// A condition operator as written, e.g. "ForAnyValue:StringNotLikeIfExists", taken apart.
/// </summary>
internal sealed record ConditionOperator(
    string Name,
    ConditionFamily Family,
    Comparison Comparison,
    bool Negated,
    bool IgnoreCase,
    bool Wildcards,
    bool IfExists,
    SetQualifier Qualifier)
{
    private readonly record struct Base(ConditionFamily Family, Comparison Comparison, bool Negated, bool IgnoreCase, bool Wildcards);

    // IAM "Condition operators". BinaryEquals is left out: S3 has no binary condition keys.
    private static readonly Dictionary<string, Base> Bases = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = new(ConditionFamily.String, Comparison.Equals, false, false, false),
        ["StringNotEquals"] = new(ConditionFamily.String, Comparison.Equals, true, false, false),
        ["StringEqualsIgnoreCase"] = new(ConditionFamily.String, Comparison.Equals, false, true, false),
        ["StringNotEqualsIgnoreCase"] = new(ConditionFamily.String, Comparison.Equals, true, true, false),
        ["StringLike"] = new(ConditionFamily.String, Comparison.Equals, false, false, true),
        ["StringNotLike"] = new(ConditionFamily.String, Comparison.Equals, true, false, true),
        ["NumericEquals"] = new(ConditionFamily.Numeric, Comparison.Equals, false, false, false),
        ["NumericNotEquals"] = new(ConditionFamily.Numeric, Comparison.Equals, true, false, false),
        ["NumericLessThan"] = new(ConditionFamily.Numeric, Comparison.LessThan, false, false, false),
        ["NumericLessThanEquals"] = new(ConditionFamily.Numeric, Comparison.LessThanEquals, false, false, false),
        ["NumericGreaterThan"] = new(ConditionFamily.Numeric, Comparison.GreaterThan, false, false, false),
        ["NumericGreaterThanEquals"] = new(ConditionFamily.Numeric, Comparison.GreaterThanEquals, false, false, false),
        ["DateEquals"] = new(ConditionFamily.Date, Comparison.Equals, false, false, false),
        ["DateNotEquals"] = new(ConditionFamily.Date, Comparison.Equals, true, false, false),
        ["DateLessThan"] = new(ConditionFamily.Date, Comparison.LessThan, false, false, false),
        ["DateLessThanEquals"] = new(ConditionFamily.Date, Comparison.LessThanEquals, false, false, false),
        ["DateGreaterThan"] = new(ConditionFamily.Date, Comparison.GreaterThan, false, false, false),
        ["DateGreaterThanEquals"] = new(ConditionFamily.Date, Comparison.GreaterThanEquals, false, false, false),
        ["Bool"] = new(ConditionFamily.Bool, Comparison.Equals, false, false, false),
        ["IpAddress"] = new(ConditionFamily.IpAddress, Comparison.Equals, false, false, false),
        ["NotIpAddress"] = new(ConditionFamily.IpAddress, Comparison.Equals, true, false, false),
        // IAM: ArnEquals and ArnLike behave the same; both take wildcards in each of the six ARN components.
        ["ArnEquals"] = new(ConditionFamily.Arn, Comparison.Equals, false, false, true),
        ["ArnLike"] = new(ConditionFamily.Arn, Comparison.Equals, false, false, true),
        ["ArnNotEquals"] = new(ConditionFamily.Arn, Comparison.Equals, true, false, true),
        ["ArnNotLike"] = new(ConditionFamily.Arn, Comparison.Equals, true, false, true),
        ["Null"] = new(ConditionFamily.Null, Comparison.Equals, false, false, false),
    };

    public static bool TryParse(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConditionOperator? op)
    {
        op = null;
        var rest = name.AsSpan();
        var qualifier = SetQualifier.None;
        if (rest.StartsWith("ForAnyValue:", StringComparison.Ordinal)) { qualifier = SetQualifier.ForAnyValue; rest = rest["ForAnyValue:".Length..]; }
        else if (rest.StartsWith("ForAllValues:", StringComparison.Ordinal)) { qualifier = SetQualifier.ForAllValues; rest = rest["ForAllValues:".Length..]; }

        var ifExists = rest.EndsWith("IfExists", StringComparison.Ordinal);
        if (ifExists) rest = rest[..^"IfExists".Length];

        if (!Bases.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(rest, out var b)) return false;
        // IAM: Null is itself the existence test; "NullIfExists" and set qualifiers on Null mean nothing.
        if (b.Family == ConditionFamily.Null && (ifExists || qualifier != SetQualifier.None)) return false;
        op = new ConditionOperator(name, b.Family, b.Comparison, b.Negated, b.IgnoreCase, b.Wildcards, ifExists, qualifier);
        return true;
    }

    /// <summary>IAM: policy variables are allowed only with the string and ARN operators.</summary>
    public bool AllowsVariables => Family is ConditionFamily.String or ConditionFamily.Arn;
}
