using Strata.Core.Acls;
using Strata.Server.Hosting;

namespace Strata.Server.Auth;

/// <summary>
/// Canonical ids as ACLs see them, in one place. Strata has one account today: the root user's canonical id is the
/// owner of every bucket and the writer of every object. When accounts arrive, these answers come from them.
/// </summary>
internal static class AclIdentity
{
    /// <summary>
    /// The caller as an ACL grant matches it. An ACL grant to an account is the account's own, so a user (whose rights
    /// come from its policies) carries no canonical id here: only group grants (AuthenticatedUsers, AllUsers) apply to it.
    /// </summary>
    public static AclCaller Caller(Principal principal, ServerSettings settings) => principal.Kind switch
    {
        PrincipalKind.Root => new AclCaller(settings.OwnerId, true),
        PrincipalKind.User => new AclCaller(null, true),
        _ => AclCaller.Anonymous,
    };

    /// <summary>The canonical id of the account a write is charged to: the object's owner under ObjectWriter.</summary>
    public static string WriterId(Principal principal, ServerSettings settings) => settings.OwnerId;

    /// <summary>The canonical id of the bucket's owner.</summary>
    public static string BucketOwnerId(ServerSettings settings) => settings.OwnerId;

    /// <summary>Whether a grant's canonical id names an account of this server (S3: InvalidArgument "Invalid id" otherwise).</summary>
    public static bool IsKnownId(string canonicalId, ServerSettings settings) => canonicalId == settings.OwnerId;

    /// <summary>The DisplayName S3 returns beside a canonical id; null for an id it cannot name.</summary>
    public static string? DisplayName(string canonicalId, ServerSettings settings) =>
        canonicalId == settings.OwnerId ? settings.OwnerDisplayName : null;
}
