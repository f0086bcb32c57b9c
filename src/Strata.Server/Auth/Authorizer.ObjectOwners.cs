using Strata.Core;
using Strata.Core.Acls;
using Strata.Server.Operations;

namespace Strata.Server.Auth;

/// <summary>The object owner's side of authorization: an object another account wrote into the bucket is governed by its ACL.</summary>
internal sealed partial class Authorizer
{
    /// <summary>
    /// S3 ("How Amazon S3 authorizes a request for an object operation"): when the object's owner is not the bucket
    /// owner, the object owner's ACL must grant the caller's account the permission, and the bucket owner's account
    /// (its root included) gets only what that ACL grants it; its right to delete the object, and a bucket policy's
    /// explicit Deny, stay. <see cref="Check"/> lets the bucket owner's root through without reading anything, so the
    /// operation, which reads the version row anyway, calls this with the row's stored ACL: an object owned by the
    /// bucket owner (a NULL ACL, or its id on the first line) costs nothing more, and only an object another account
    /// owns reads the bucket's Object Ownership (BucketOwnerEnforced: the bucket owner owns every object).
    /// </summary>
    /// <param name="aclsEnabled">Whether the bucket's ownership enables ACLs, when the caller knows (null: read it if needed).</param>
    public void CheckObjectOwner(Principal principal, BucketName bucket, string? storedAcl, AclPermission permission, bool? aclsEnabled = null)
    {
        if (storedAcl is null) return;
        var objectOwner = StoredAcl.OwnerOf(storedAcl);
        var bucketOwner = Identity.BucketOwnerId(bucket);
        if (objectOwner == bucketOwner) return;
        var callerAccount = principal.Account?.CanonicalId;
        if (callerAccount == objectOwner) return; // the owner's own account: its policies were weighed in Check
        if (!(aclsEnabled ?? ObjectOwnerships.AclsEnabled(OwnershipOf(bucket)))) return;
        var acl = StoredAcl.Parse(storedAcl);
        if (PublicAccess.Of(bucket).IgnorePublicAcls) acl = acl.WithoutPublicGrants();
        var caller = callerAccount is null ? AclCaller.Anonymous : new AclCaller(callerAccount, true);
        if (!acl.Allows(caller, permission)) throw S3Fail.Exception(StrataError.AccessDenied);
    }
}
