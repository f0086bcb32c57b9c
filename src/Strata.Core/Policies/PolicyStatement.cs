namespace Strata.Core.Policies;

internal enum PolicyEffect : byte { Allow, Deny }

/// <summary>One statement, compiled: every pattern was built at parse time, so matching allocates nothing.</summary>
internal sealed class PolicyStatement(
    string? sid,
    PolicyEffect effect,
    PrincipalSet? principal,
    bool notPrincipal,
    WildcardPattern[] actions,
    bool notAction,
    WildcardPattern[] resources,
    bool notResource,
    ConditionClause[] conditions)
{
    public string? Sid { get; } = sid;

    public PolicyEffect Effect { get; } = effect;

    /// <summary>The Principal or NotPrincipal (<see cref="NotPrincipal"/>); null in an identity policy.</summary>
    public PrincipalSet? Principal { get; } = principal;

    public bool NotPrincipal { get; } = notPrincipal;

    public IReadOnlyList<ConditionClause> Conditions { get; } = conditions;

    /// <summary>Whether the statement applies to the request: principal, action, resource and every condition.</summary>
    public bool Applies(RequestContext context)
    {
        // Identity policies carry no principal: they apply to whoever they are attached to.
        if (Principal is not null && Principal.Matches(context.PrincipalArn) == NotPrincipal) return false;
        if (MatchesAny(actions, context.Action, context, out _) == notAction) return false;

        var resourceMatched = MatchesAny(resources, context.ResourceArn, context, out var unresolved);
        // A variable with no value cannot prove that a resource is *not* listed, so NotResource does not apply then.
        if (notResource ? resourceMatched || unresolved : !resourceMatched) return false;

        foreach (var condition in conditions)
        {
            if (!condition.Holds(context)) return false;
        }
        return true;
    }

    private static bool MatchesAny(WildcardPattern[] patterns, string value, RequestContext context, out bool unresolved)
    {
        unresolved = false;
        foreach (var pattern in patterns)
        {
            if (pattern.IsMatch(value, context, ref unresolved)) return true;
        }
        return false;
    }
}
