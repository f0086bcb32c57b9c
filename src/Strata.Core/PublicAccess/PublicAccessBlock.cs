namespace Strata.Core.PublicAccess;

/// <summary>
/// A bucket's Block Public Access settings (S3's PublicAccessBlockConfiguration). An element the client leaves
/// out is false, as S3 reads it.
/// </summary>
/// <param name="BlockPublicAcls">Refuse a PutObject, CopyObject, CreateMultipartUpload, CreateBucket, PutBucketAcl or PutObjectAcl that carries a public ACL (403 AccessDenied).</param>
/// <param name="IgnorePublicAcls">Grants to AllUsers and AuthenticatedUsers in the bucket's and its objects' ACLs are not evaluated.</param>
/// <param name="BlockPublicPolicy">Refuse a PutBucketPolicy whose policy is public (403 AccessDenied).</param>
/// <param name="RestrictPublicBuckets">While the bucket's policy is public, only callers of the bucket owner's account get access.</param>
public readonly record struct PublicAccessBlock(bool BlockPublicAcls, bool IgnorePublicAcls, bool BlockPublicPolicy, bool RestrictPublicBuckets)
{
    /// <summary>Nothing blocked: a bucket without a configuration behaves so.</summary>
    public static PublicAccessBlock None => default;

    /// <summary>All four settings on, as S3 configures new buckets since April 2023.</summary>
    public static PublicAccessBlock All => new(true, true, true, true);
}
