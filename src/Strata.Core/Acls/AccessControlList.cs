namespace Strata.Core.Acls;

/// <summary>S3's ACL permissions, as the AccessControlPolicy XML and the x-amz-grant-* headers name them.</summary>
public enum AclPermission
{
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

public enum GranteeKind
{
    CanonicalUser,
    Group,

    /// <summary>AmazonCustomerByEmail: accepted by the parsers, refused when resolved (UnresolvableGrantByEmailAddress).</summary>
    Email,
}

/// <summary>Who a grant is for: a canonical user id, a predefined group's URI, or an email address.</summary>
public sealed record AclGrantee(GranteeKind Kind, string Value)
{
    public static AclGrantee User(string canonicalId) => new(GranteeKind.CanonicalUser, canonicalId);

    public static AclGrantee Group(string uri) => new(GranteeKind.Group, uri);
}

public sealed record AclGrant(AclGrantee Grantee, AclPermission Permission);

/// <summary>
/// Who asks, as an ACL sees it: the caller's canonical user id (null for the anonymous caller, and for a user whose
/// account's grants it does not carry) and whether the request was signed at all.
/// </summary>
public readonly record struct AclCaller(string? CanonicalId, bool IsAuthenticated)
{
    public static readonly AclCaller Anonymous = new(null, false);
}

/// <summary>
/// An object's or a bucket's ACL: its owner and up to 100 grants. S3's rules: FULL_CONTROL implies every other
/// permission; AllUsers is everyone, anonymous included; AuthenticatedUsers is any signed request.
/// </summary>
public sealed record AccessControlList(string OwnerId, IReadOnlyList<AclGrant> Grants)
{
    /// <summary>S3: an ACL holds at most 100 grants.</summary>
    public const int MaxGrants = 100;

    /// <summary>The default ACL of everything: the owner has FULL_CONTROL, no one else anything.</summary>
    public static AccessControlList Private(string ownerId) => new(ownerId, [new AclGrant(AclGrantee.User(ownerId), AclPermission.FullControl)]);

    /// <summary>A grant to AllUsers or AuthenticatedUsers, as S3's Block Public Access judges an ACL public.</summary>
    public bool IsPublic => Grants.Any(IsPublicGrant);

    /// <summary>The ACL without its public grants: what Block Public Access's IgnorePublicAcls evaluates.</summary>
    public AccessControlList WithoutPublicGrants() => IsPublic ? this with { Grants = Grants.Where(g => !IsPublicGrant(g)).ToList() } : this;

    private static bool IsPublicGrant(AclGrant grant) =>
        grant.Grantee is { Kind: GranteeKind.Group, Value: AclGroups.AllUsers or AclGroups.AuthenticatedUsers };

    /// <summary>True when the ACL grants only its owner FULL_CONTROL (so it need not be stored).</summary>
    public bool IsPrivate => Grants is [{ Permission: AclPermission.FullControl } only] && only.Grantee == AclGrantee.User(OwnerId);

    /// <summary>Does some grant give <paramref name="caller"/> <paramref name="permission"/>? FULL_CONTROL implies all.</summary>
    public bool Allows(AclCaller caller, AclPermission permission)
    {
        foreach (var grant in Grants)
        {
            if (grant.Permission != permission && grant.Permission != AclPermission.FullControl) continue;
            if (Matches(grant.Grantee, caller)) return true;
        }
        return false;
    }

    /// <summary>True when some grant names anyone but <paramref name="accountId"/> (S3's InvalidBucketAclWithObjectOwnership test).</summary>
    public bool GrantsOutside(string accountId)
    {
        foreach (var grant in Grants)
        {
            if (grant.Grantee != AclGrantee.User(accountId)) return true;
        }
        return false;
    }

    private static bool Matches(AclGrantee grantee, AclCaller caller) => grantee.Kind switch
    {
        GranteeKind.CanonicalUser => caller.CanonicalId is not null && grantee.Value == caller.CanonicalId,
        GranteeKind.Group => grantee.Value == AclGroups.AllUsers || (grantee.Value == AclGroups.AuthenticatedUsers && caller.IsAuthenticated),
        _ => false,
    };
}

/// <summary>S3's predefined groups, by URI.</summary>
public static class AclGroups
{
    public const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    public const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    public const string LogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    public static bool IsKnown(string uri) => uri is AllUsers or AuthenticatedUsers or LogDelivery;
}

/// <summary>The wire names of <see cref="AclPermission"/>: READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL.</summary>
public static class AclPermissions
{
    public static string Name(AclPermission permission) => permission switch
    {
        AclPermission.Read => "READ",
        AclPermission.Write => "WRITE",
        AclPermission.ReadAcp => "READ_ACP",
        AclPermission.WriteAcp => "WRITE_ACP",
        _ => "FULL_CONTROL",
    };

    public static AclPermission? Parse(string name) => name switch
    {
        "READ" => AclPermission.Read,
        "WRITE" => AclPermission.Write,
        "READ_ACP" => AclPermission.ReadAcp,
        "WRITE_ACP" => AclPermission.WriteAcp,
        "FULL_CONTROL" => AclPermission.FullControl,
        _ => null,
    };
}
