using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Acls;
using Strata.Server.Operations;

namespace Strata.Server.Auth;

/// <summary>The ACL step of authorization: a grant in the bucket's or the object's ACL is a resource-side Allow.</summary>
internal sealed partial class Authorizer
{
    /// <summary>
    /// Does the bucket's ACL (bucket actions) or the object version's ACL (object actions) grant the permission S3 maps
    /// <paramref name="action"/> to? Never under BucketOwnerEnforced, where ACLs no longer affect access; public grants
    /// count for nothing under Block Public Access's IgnorePublicAcls. S3 answers a missing bucket NoSuchBucket to
    /// anyone, and a missing object NoSuchKey to a caller who may list the bucket (403 to others), so those are allowed
    /// through here for the operation to answer.
    /// </summary>
    private bool AclAllows(HttpContext http, Principal principal, string action, BucketName bucket, ObjectKey? key)
    {
        if (AclActions.For(action) is not var (onObject, permission)) return false;
        try
        {
            if (!ObjectOwnerships.AclsEnabled(OwnershipOf(bucket))) return false;
            var caller = Identity.Caller(principal, bucket);
            var ignorePublic = PublicAccess.Of(bucket).IgnorePublicAcls;
            bool Grants(AccessControlList acl, AclPermission wanted) => (ignorePublic ? acl.WithoutPublicGrants() : acl).Allows(caller, wanted);

            if (!onObject) return Grants(AclHeaders.BucketAcl(engine, bucket, Identity), permission);
            if (key is null) return false;
            VersionId? versionId = null;
            if (http.Request.Query.TryGetValue("versionId", out var text))
            {
                if (!VersionId.TryParse(text.ToString(), out var parsed)) return false;
                versionId = parsed;
            }
            var (version, stored) = engine.GetObjectAcl(bucket, key.Value, versionId);
            if (version is null || version.IsDeleteMarker)
            {
                return permission == AclPermission.Read && Grants(AclHeaders.BucketAcl(engine, bucket, Identity), AclPermission.Read);
            }
            return Grants(AclHeaders.ObjectAcl(stored, Identity.BucketOwnerId(bucket)), permission);
        }
        catch (StrataException missing) when (missing.Error == StrataError.NoSuchBucket)
        {
            return true; // the operation answers 404 NoSuchBucket, as S3 does whoever asks
        }
    }
}
