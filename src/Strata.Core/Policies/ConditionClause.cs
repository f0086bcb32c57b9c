using System.Globalization;

namespace Strata.Core.Policies;

/// <summary>
/// One "key: values" pair under one operator, its values compiled at parse time.
/// IAM: operators are AND-ed, keys under one operator are AND-ed, the values listed for one key are OR-ed,
/// and for a negated operator they are NOR-ed ("Conditions with multiple context keys or values").
/// </summary>
internal abstract class ConditionClause(ConditionOperator op, string key)
{
    public ConditionOperator Operator { get; } = op;

    public string Key { get; } = key;

    /// <summary>The values as the policy wrote them (Block Public Access reads whether they are fixed).</summary>
    public IReadOnlyList<string> Values { get; private set; } = [];

    /// <summary>
    /// A variable with no value makes a positive operator fail to match; for a negated one it makes the clause
    /// false too, rather than "not equal to an unknown value" turning into a grant or a denial.
    /// </summary>
    public bool Holds(RequestContext context)
    {
        var unresolved = false;
        var holds = Test(context, ref unresolved);
        return holds && !(unresolved && Operator.Negated);
    }

    protected virtual bool Test(RequestContext context, ref bool unresolved)
    {
        if (!ContextValues.TryGet(context, Key, out var values))
        {
            // IAM "Condition operators": "If the key that you specify in a policy condition is not present in the
            // request context, the values do not match and the condition is false. If the policy condition requires
            // that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the
            // condition is true. This logic applies to all condition operators except ...IfExists and Null check."
            // ...IfExists: "If the key is not present, evaluate the condition element as true."
            // ForAllValues "also returns true if there are no context keys in the request"; ForAnyValue returns false.
            if (Operator.IfExists) return true;
            return Operator.Qualifier switch
            {
                SetQualifier.ForAllValues => true,
                SetQualifier.ForAnyValue => false,
                _ => Operator.Negated,
            };
        }

        if (Operator.Qualifier == SetQualifier.ForAllValues)
        {
            // Every request value must pass; for a negated operator "pass" means it matches none of the policy values.
            for (var i = 0; i < values.Count; i++)
            {
                if (MatchesAny(values[i], context, ref unresolved) == Operator.Negated) return false;
            }
            return true;
        }
        if (Operator.Qualifier == SetQualifier.ForAnyValue)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (MatchesAny(values[i], context, ref unresolved) != Operator.Negated) return true;
            }
            return false;
        }

        // No qualifier: a key is single-valued in S3's requests, so the one value is tested. Should the server
        // pass several, a positive operator needs any of them to match and a negated one needs none to.
        var matched = false;
        for (var i = 0; i < values.Count && !matched; i++) matched = MatchesAny(values[i], context, ref unresolved);
        return matched != Operator.Negated;
    }

    /// <summary>Whether one request value matches at least one of the policy's values (before any negation).</summary>
    protected abstract bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved);

    public static ConditionClause Create(ConditionOperator op, string key, IReadOnlyList<string> values, bool variables)
    {
        variables &= op.AllowsVariables;
        ConditionClause clause = op.Family switch
        {
            ConditionFamily.String => new StringClause(op, key, Compile(values, p => WildcardPattern.Compile(p, op.Wildcards, variables, op.IgnoreCase))),
            ConditionFamily.Arn => new ArnClause(op, key, Compile(values, p => ArnPattern.Compile(p, variables))),
            ConditionFamily.Numeric => new NumericClause(op, key, Compile(values, p => TryParseNumber(p, out var n) ? n : Invalid<decimal>(op, key, p))),
            ConditionFamily.Date => new DateClause(op, key, Compile(values, p => TryParseDate(p, out var d) ? d : Invalid<long>(op, key, p))),
            ConditionFamily.Bool => new BoolClause(op, key, Compile(values, p => TryParseBool(p, out var b) ? b : Invalid<bool>(op, key, p))),
            ConditionFamily.Null => new NullClause(op, key, Compile(values, p => TryParseBool(p, out var b) ? b : Invalid<bool>(op, key, p))),
            ConditionFamily.IpAddress => new IpClause(op, key, Compile(values, p => IpCidr.TryParse(p, out var c) ? c : Invalid<IpCidr>(op, key, p))),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
        clause.Values = values;
        return clause;
    }

    private static T[] Compile<T>(IReadOnlyList<string> values, Func<string, T> compile)
    {
        var compiled = new T[values.Count];
        for (var i = 0; i < compiled.Length; i++) compiled[i] = compile(values[i]);
        return compiled;
    }

    private static T Invalid<T>(ConditionOperator op, string key, string value) =>
        throw S3Fail.Exception(StrataError.MalformedPolicy, $"Invalid value for condition {op.Name} on {key}: \"{value}\"");

    internal static bool TryParseNumber(ReadOnlySpan<char> text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    internal static bool TryParseBool(ReadOnlySpan<char> text, out bool value) => bool.TryParse(text, out value);

    /// <summary>IAM date operators take W3C ISO 8601 dates or epoch (UNIX) seconds; compared as UTC ticks.</summary>
    internal static bool TryParseDate(ReadOnlySpan<char> text, out long utcTicks)
    {
        utcTicks = 0;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds < -62135596800 || seconds > 253402300799) return false;
            utcTicks = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcTicks;
            return true;
        }
        // ISO 8601 only: four-digit year first, so "1/2/2020" and other culture shapes are refused.
        if (text.Length < 10 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[3]) || text[4] != '-') return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)) return false;
        utcTicks = date.UtcTicks;
        return true;
    }

    internal static bool Compare<T>(T request, T policy, Comparison comparison) where T : IComparable<T>
    {
        var order = request.CompareTo(policy);
        return comparison switch
        {
            Comparison.Equals => order == 0,
            Comparison.LessThan => order < 0,
            Comparison.LessThanEquals => order <= 0,
            Comparison.GreaterThan => order > 0,
            _ => order >= 0,
        };
    }
}

internal sealed class StringClause(ConditionOperator op, string key, WildcardPattern[] patterns) : ConditionClause(op, key)
{
    protected override bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.IsMatch(requestValue, context, ref unresolved)) return true;
        }
        return false;
    }
}

internal sealed class ArnClause(ConditionOperator op, string key, ArnPattern[] patterns) : ConditionClause(op, key)
{
    protected override bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.IsMatch(requestValue, context, ref unresolved)) return true;
        }
        return false;
    }
}

internal sealed class NumericClause(ConditionOperator op, string key, decimal[] numbers) : ConditionClause(op, key)
{
    protected override bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved)
    {
        if (!TryParseNumber(requestValue, out var value)) return false;
        foreach (var number in numbers)
        {
            if (Compare(value, number, Operator.Comparison)) return true;
        }
        return false;
    }
}

internal sealed class DateClause(ConditionOperator op, string key, long[] dates) : ConditionClause(op, key)
{
    protected override bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved)
    {
        if (!TryParseDate(requestValue, out var value)) return false;
        foreach (var date in dates)
        {
            if (Compare(value, date, Operator.Comparison)) return true;
        }
        return false;
    }
}

internal sealed class BoolClause(ConditionOperator op, string key, bool[] flags) : ConditionClause(op, key)
{
    protected override bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved) =>
        TryParseBool(requestValue, out var value) && Array.IndexOf(flags, value) >= 0;
}

internal sealed class IpClause(ConditionOperator op, string key, IpCidr[] blocks) : ConditionClause(op, key)
{
    protected override bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved)
    {
        if (!IpCidr.TryParseAddress(requestValue, strict: false, out var isV6, out var address)) return false;
        foreach (var block in blocks)
        {
            if (block.Contains(isV6, address)) return true;
        }
        return false;
    }
}

/// <summary>IAM "Null": true asks that the key be absent, false that it be present; listed values are OR-ed.</summary>
internal sealed class NullClause(ConditionOperator op, string key, bool[] wantAbsent) : ConditionClause(op, key)
{
    protected override bool Test(RequestContext context, ref bool unresolved)
    {
        var absent = !ContextValues.TryGet(context, Key, out _);
        return Array.IndexOf(wantAbsent, absent) >= 0;
    }

    protected override bool MatchesAny(string requestValue, RequestContext context, ref bool unresolved) => false;
}
