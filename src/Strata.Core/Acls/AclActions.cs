namespace Strata.Core.Acls;

/// <summary>
/// Which ACL permission allows a policy action, on the bucket's ACL or on the object's, as S3's table "Mapping of ACL
/// permissions and access policy permissions" gives it. Actions an ACL cannot grant (policies, versioning, CORS,
/// ownership) map to nothing.
/// </summary>
public static class AclActions
{
    public static (bool OnObject, AclPermission Permission)? For(string action) => action switch
    {
        "s3:ListBucket" or "s3:ListBucketVersions" or "s3:ListBucketMultipartUploads" => (false, AclPermission.Read),
        // WRITE on a bucket: create, overwrite and delete any object in it.
        "s3:PutObject" or "s3:DeleteObject" or "s3:DeleteObjectVersion" or "s3:AbortMultipartUpload" => (false, AclPermission.Write),
        "s3:GetBucketAcl" => (false, AclPermission.ReadAcp),
        "s3:PutBucketAcl" => (false, AclPermission.WriteAcp),
        "s3:GetObject" or "s3:GetObjectVersion" or "s3:GetObjectAttributes" or "s3:GetObjectVersionAttributes" => (true, AclPermission.Read),
        "s3:GetObjectAcl" or "s3:GetObjectVersionAcl" => (true, AclPermission.ReadAcp),
        "s3:PutObjectAcl" or "s3:PutObjectVersionAcl" => (true, AclPermission.WriteAcp),
        _ => null,
    };
}
