namespace Strata.Core;

/// <summary>Every S3 operation the front end recognises, named as in the S3 API reference.</summary>
public enum S3Operation
{
    ListBuckets,
    CreateBucket,
    HeadBucket,
    DeleteBucket,
    GetBucketLocation,
    GetBucketVersioning,
    PutBucketVersioning,
    ListObjects,
    ListObjectsV2,
    ListObjectVersions,
    DeleteObjects,
    PutObject,

    /// <summary>The browser upload: POST /bucket with a multipart/form-data form signed by its policy.</summary>
    PostObject,
    CopyObject,
    GetObject,
    HeadObject,
    GetObjectAttributes,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
    ListMultipartUploads,
    GetBucketPolicy,
    PutBucketPolicy,
    DeleteBucketPolicy,
    GetBucketAcl,
    PutBucketAcl,
    GetObjectAcl,
    PutObjectAcl,
    GetBucketCors,
    PutBucketCors,
    DeleteBucketCors,
    GetObjectTagging,
    PutObjectTagging,
    DeleteObjectTagging,
    GetBucketTagging,
    PutBucketTagging,
    DeleteBucketTagging,
    GetPublicAccessBlock,
    PutPublicAccessBlock,
    DeletePublicAccessBlock,
    GetBucketPolicyStatus,
    GetObjectLockConfiguration,
    PutObjectLockConfiguration,
    GetObjectRetention,
    PutObjectRetention,
    GetObjectLegalHold,
    PutObjectLegalHold,
    GetBucketLifecycleConfiguration,
    PutBucketLifecycleConfiguration,
    DeleteBucketLifecycle,
    GetBucketOwnershipControls,
    PutBucketOwnershipControls,
    DeleteBucketOwnershipControls,

    /// <summary>OPTIONS on a bucket or object: a browser's CORS preflight, answered without authentication.</summary>
    PreflightCors,

    /// <summary>GET of a bucket configuration Strata has no way to set (cors, lifecycle, …): S3's "not configured" 404.</summary>
    GetBucketConfigurationNotSet,

    /// <summary>A subresource or method S3 has and Strata does not: answered 501 NotImplemented.</summary>
    Unsupported,
}
