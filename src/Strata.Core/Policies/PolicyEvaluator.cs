namespace Strata.Core.Policies;

/// <summary>
/// Decides a request against the caller's identity policies and the bucket's policy.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>
    /// AWS "Policy evaluation logic": an explicit Deny in any policy wins; otherwise an Allow in any policy allows;
    /// otherwise the request is implicitly denied. This is the rule inside the bucket owner's account, where an Allow
    /// from either side is enough; for a request from another account, where both sides must allow, the server
    /// evaluates each side on its own.
    /// </summary>
    public static PolicyDecision Evaluate(IEnumerable<PolicyDocument> identityPolicies, PolicyDocument? resourcePolicy, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(identityPolicies);
        ArgumentNullException.ThrowIfNull(context);
        var allowed = false;
        foreach (var policy in identityPolicies)
        {
            if (policy.Kind != PolicyKind.Identity) throw new ArgumentException("A resource policy was passed as an identity policy.", nameof(identityPolicies));
            if (Evaluate(policy, context, ref allowed)) return PolicyDecision.ExplicitDeny;
        }
        if (resourcePolicy is not null)
        {
            if (resourcePolicy.Kind != PolicyKind.Resource) throw new ArgumentException("An identity policy was passed as the resource policy.", nameof(resourcePolicy));
            if (Evaluate(resourcePolicy, context, ref allowed)) return PolicyDecision.ExplicitDeny;
        }
        return allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
    }

    // True on an explicit Deny, which ends the evaluation; an applying Allow is only remembered.
    private static bool Evaluate(PolicyDocument policy, RequestContext context, ref bool allowed)
    {
        foreach (var statement in policy.Statements)
        {
            if (statement.Effect == PolicyEffect.Allow && allowed) continue;
            if (!statement.Applies(context)) continue;
            if (statement.Effect == PolicyEffect.Deny) return true;
            allowed = true;
        }
        return false;
    }
}
