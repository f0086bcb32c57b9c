using Strata.Core.Policies;

namespace Strata.Core.PublicAccess;

/// <summary>
/// S3, "The meaning of public": a bucket policy is public unless each of its Allow statements grants only to
/// fixed values (no wildcard, no policy variable) of a principal or of one of the keys below; an aws:SourceIp
/// condition fixes it only with CIDRs no broader than /8 (IPv4) or /32 (IPv6). Deny statements make nothing public.
/// </summary>
public static class PublicPolicies
{
    // The condition keys S3 names as limiting a statement to known parties. aws:userid outside "AROLEID:*" needs
    // no separate rule: that pattern has a wildcard, and a value with one never fixes a statement.
    private static readonly HashSet<string> FixingKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner", "aws:SourceAccount",
        "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:userid",
        "s3:DataAccessPointArn", "s3:DataAccessPointAccount", "s3:x-amz-server-side-encryption-aws-kms-key-id",
    };

    private const string SourceIp = "aws:SourceIp";

    /// <summary>Whether <paramref name="policy"/> (a bucket policy) grants access to the public.</summary>
    public static bool IsPublic(PolicyDocument policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        foreach (var statement in policy.Statements)
        {
            if (statement.Effect == PolicyEffect.Allow && IsPublic(statement)) return true;
        }
        return false;
    }

    private static bool IsPublic(PolicyStatement statement)
    {
        // "Principal": {"AWS": "arn:aws:iam::111122223333:root"} names known parties; NotPrincipal grants to everyone else.
        var toEveryone = statement.Principal is { } principal && (statement.NotPrincipal || principal.IsEveryone);
        if (!toEveryone) return false;
        // Conditions are AND-ed: one that pins the caller down is enough.
        foreach (var condition in statement.Conditions)
        {
            if (Fixes(condition)) return false;
        }
        return true;
    }

    private static bool Fixes(ConditionClause condition)
    {
        var op = condition.Operator;
        // A negated operator, ...IfExists and ForAllValues all hold for a request without the key (or with another value).
        if (op.Negated || op.IfExists || op.Qualifier == SetQualifier.ForAllValues || condition.Values.Count == 0) return false;
        if (string.Equals(condition.Key, SourceIp, StringComparison.OrdinalIgnoreCase))
        {
            return op.Family == ConditionFamily.IpAddress && AllNarrow(condition.Values);
        }
        if (!FixingKeys.Contains(condition.Key) || op.Family is not (ConditionFamily.String or ConditionFamily.Arn)) return false;
        foreach (var value in condition.Values)
        {
            if (value.AsSpan().ContainsAny('*', '?') || value.Contains("${", StringComparison.Ordinal)) return false;
        }
        return true;
    }

    // S3: aws:SourceIp ranges broader than /8 for IPv4 or /32 for IPv6 are public (0.0.0.0/1, ::/0).
    private static bool AllNarrow(IReadOnlyList<string> cidrs)
    {
        foreach (var text in cidrs)
        {
            if (!IpCidr.TryParse(text, out var cidr) || cidr.PrefixLength < (cidr.IsV6 ? 32 : 8)) return false;
        }
        return true;
    }
}
