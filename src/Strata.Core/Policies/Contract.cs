namespace Strata.Core.Policies;

/// <summary>What a policy is attached to: a user (identity policy, no Principal) or a bucket (resource policy, Principal required).</summary>
public enum PolicyKind
{
    Identity,
    Resource,
}

/// <summary>The outcome of evaluating policies, as AWS orders them: an explicit Deny beats an Allow beats the implicit deny.</summary>
public enum PolicyDecision
{
    ImplicitDeny,
    Allow,
    ExplicitDeny,
}

/// <summary>
/// One request as policies see it.
/// </summary>
/// <param name="PrincipalArn">"arn:aws:iam::&lt;account&gt;:user/&lt;name&gt;" or the root "arn:aws:iam::&lt;account&gt;:root"; null for an anonymous request.</param>
/// <param name="Action">The S3 action, e.g. "s3:GetObject".</param>
/// <param name="ResourceArn">"arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/key".</param>
/// <param name="ConditionValues">Condition keys (case-insensitive, e.g. "aws:SourceIp", "aws:SecureTransport", "aws:CurrentTime", "aws:username", "s3:prefix", "s3:max-keys") and their values.</param>
public sealed record RequestContext(
    string? PrincipalArn,
    string Action,
    string ResourceArn,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ConditionValues);
