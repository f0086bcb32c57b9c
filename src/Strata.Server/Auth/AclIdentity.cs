using Strata.Core;
using Strata.Core.Acls;

namespace Strata.Server.Auth;

/// <summary>
/// Canonical ids as ACLs see them, in one place: each account (the server's own and the others) has one, a bucket's
/// owner is its account, and an object's writer is the caller's account.
/// </summary>
internal sealed class AclIdentity(Credentials credentials, Func<BucketName, Account?> ownerOf)
{
    /// <summary>
    /// The caller as an ACL grant matches it. A grant to an account is its own: an account's root carries its canonical
    /// id, and so does a user of another account (whose own policies must allow the request too). A user of the bucket
    /// owner's account gets its rights from its policies, so only group grants (AuthenticatedUsers, AllUsers) apply to it.
    /// </summary>
    public AclCaller Caller(Principal principal, BucketName bucket) => principal switch
    {
        { Kind: PrincipalKind.Root, Account: { } account } => new AclCaller(account.CanonicalId, true),
        { Kind: PrincipalKind.User, Account: { } account } => new AclCaller(account.CanonicalId == BucketOwnerId(bucket) ? null : account.CanonicalId, true),
        _ => AclCaller.Anonymous,
    };

    /// <summary>The canonical id a write is charged to, the object's owner under ObjectWriter: the caller's account (an anonymous writer's, the bucket owner's).</summary>
    public string WriterId(Principal principal, BucketName bucket) => principal.Account?.CanonicalId ?? BucketOwnerId(bucket);

    /// <summary>The canonical id of the bucket's owner (the server's own account for a bucket not made yet).</summary>
    public string BucketOwnerId(BucketName bucket) => (ownerOf(bucket) ?? credentials.Own).CanonicalId;

    /// <summary>Whether a grant's canonical id names an account of this server (S3: InvalidArgument "Invalid id" otherwise).</summary>
    public bool IsKnownId(string canonicalId) => credentials.FindByCanonicalId(canonicalId) is not null;

    /// <summary>The account a canonical id names, or null.</summary>
    public Account? Account(string canonicalId) => credentials.FindByCanonicalId(canonicalId);

    /// <summary>The DisplayName S3 returns beside a canonical id; null for an id it cannot name.</summary>
    public string? DisplayName(string canonicalId) => credentials.FindByCanonicalId(canonicalId)?.DisplayName;
}
