namespace Strata.Core.Acls;

/// <summary>
/// S3's canned ACLs (x-amz-acl, the POST form's acl field), expanded as the "Canned ACL" table of S3's ACL overview
/// gives them. The bucket-owner-* ACLs concern objects only: on a bucket they are the owner's FULL_CONTROL alone.
/// </summary>
public static class CannedAcl
{
    public const string BucketOwnerFullControl = "bucket-owner-full-control";

    /// <summary>The ACL, or null for a name S3 does not know (InvalidArgument at the caller).</summary>
    /// <param name="ownerId">The owner of the bucket or object the ACL goes on.</param>
    /// <param name="bucketOwnerId">The owner of the bucket (for an object's bucket-owner-read and bucket-owner-full-control).</param>
    public static AccessControlList? Expand(string name, string ownerId, string bucketOwnerId, bool forBucket)
    {
        // Group grants come before the owner's, bucket-owner grants after it, in the order Ceph RGW answers them
        // (ceph/s3-tests reads them by position); S3 gives the order no meaning.
        var owner = new AclGrant(AclGrantee.User(ownerId), AclPermission.FullControl);
        var grants = new List<AclGrant>();
        switch (name)
        {
            case "private":
                break;
            case "public-read":
                grants.Add(new(AclGrantee.Group(AclGroups.AllUsers), AclPermission.Read));
                break;
            case "public-read-write":
                grants.Add(new(AclGrantee.Group(AclGroups.AllUsers), AclPermission.Read));
                grants.Add(new(AclGrantee.Group(AclGroups.AllUsers), AclPermission.Write));
                break;
            case "authenticated-read":
                grants.Add(new(AclGrantee.Group(AclGroups.AuthenticatedUsers), AclPermission.Read));
                break;
            case "log-delivery-write":
                grants.Add(new(AclGrantee.Group(AclGroups.LogDelivery), AclPermission.Write));
                grants.Add(new(AclGrantee.Group(AclGroups.LogDelivery), AclPermission.ReadAcp));
                break;
            case "bucket-owner-read":
                grants.Add(owner);
                if (!forBucket && bucketOwnerId != ownerId) grants.Add(new(AclGrantee.User(bucketOwnerId), AclPermission.Read));
                break;
            case BucketOwnerFullControl:
                grants.Add(owner);
                if (!forBucket && bucketOwnerId != ownerId) grants.Add(new(AclGrantee.User(bucketOwnerId), AclPermission.FullControl));
                break;
            default:
                return null;
        }
        if (!grants.Contains(owner)) grants.Add(owner);
        return new AccessControlList(ownerId, grants);
    }
}
