using Strata.Core;
using Strata.Server.Routing;

namespace Strata.Server.Auth;

/// <summary>The IAM action each S3 operation needs, as the S3 documentation's "actions, resources and condition keys" lists them.</summary>
internal static class S3Actions
{
    /// <summary>The action checked before the operation runs; null where the operation checks per item (DeleteObjects).</summary>
    public static string? For(S3Request request)
    {
        var versioned = request.Query.ContainsKey("versionId");
        return request.Operation switch
        {
            S3Operation.ListBuckets => "s3:ListAllMyBuckets",
            S3Operation.CreateBucket => "s3:CreateBucket",
            S3Operation.HeadBucket => "s3:ListBucket",
            S3Operation.DeleteBucket => "s3:DeleteBucket",
            S3Operation.GetBucketLocation => "s3:GetBucketLocation",
            S3Operation.GetBucketVersioning => "s3:GetBucketVersioning",
            S3Operation.PutBucketVersioning => "s3:PutBucketVersioning",
            S3Operation.ListObjects or S3Operation.ListObjectsV2 => "s3:ListBucket",
            S3Operation.ListObjectVersions => "s3:ListBucketVersions",
            S3Operation.DeleteObjects => null,
            // s3:PutObject, checked by the operation once the form's signature names the principal.
            S3Operation.PostObject => null,
            S3Operation.PutObject or S3Operation.CopyObject => "s3:PutObject",
            S3Operation.GetObject or S3Operation.HeadObject => versioned ? "s3:GetObjectVersion" : "s3:GetObject",
            S3Operation.GetObjectAttributes => versioned ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes",
            S3Operation.DeleteObject => versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
            S3Operation.CreateMultipartUpload or S3Operation.UploadPart or S3Operation.UploadPartCopy or S3Operation.CompleteMultipartUpload => "s3:PutObject",
            S3Operation.AbortMultipartUpload => "s3:AbortMultipartUpload",
            S3Operation.ListParts => "s3:ListMultipartUploadParts",
            S3Operation.ListMultipartUploads => "s3:ListBucketMultipartUploads",
            S3Operation.GetBucketPolicy => "s3:GetBucketPolicy",
            S3Operation.PutBucketPolicy => "s3:PutBucketPolicy",
            S3Operation.DeleteBucketPolicy => "s3:DeleteBucketPolicy",
            S3Operation.GetBucketAcl => "s3:GetBucketAcl",
            S3Operation.PutBucketAcl => "s3:PutBucketAcl",
            S3Operation.GetObjectAcl => versioned ? "s3:GetObjectVersionAcl" : "s3:GetObjectAcl",
            S3Operation.PutObjectAcl => versioned ? "s3:PutObjectVersionAcl" : "s3:PutObjectAcl",
            S3Operation.GetBucketCors => "s3:GetBucketCORS",
            S3Operation.PutBucketCors or S3Operation.DeleteBucketCors => "s3:PutBucketCORS",
            S3Operation.GetObjectTagging => versioned ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging",
            // Checked by the operation once the body is read: s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys come from it.
            S3Operation.PutObjectTagging => null,
            S3Operation.DeleteObjectTagging => versioned ? "s3:DeleteObjectVersionTagging" : "s3:DeleteObjectTagging",
            S3Operation.GetBucketTagging => "s3:GetBucketTagging",
            S3Operation.PutBucketTagging or S3Operation.DeleteBucketTagging => "s3:PutBucketTagging",
            S3Operation.GetPublicAccessBlock => "s3:GetBucketPublicAccessBlock",
            // S3: DeletePublicAccessBlock needs s3:PutBucketPublicAccessBlock; there is no delete action.
            S3Operation.PutPublicAccessBlock or S3Operation.DeletePublicAccessBlock => "s3:PutBucketPublicAccessBlock",
            S3Operation.GetBucketPolicyStatus => "s3:GetBucketPolicyStatus",
            S3Operation.GetObjectLockConfiguration => "s3:GetBucketObjectLockConfiguration",
            S3Operation.PutObjectLockConfiguration => "s3:PutBucketObjectLockConfiguration",
            S3Operation.GetObjectRetention => "s3:GetObjectRetention",
            S3Operation.PutObjectRetention => "s3:PutObjectRetention",
            S3Operation.GetObjectLegalHold => "s3:GetObjectLegalHold",
            S3Operation.PutObjectLegalHold => "s3:PutObjectLegalHold",
            S3Operation.GetBucketLifecycleConfiguration => "s3:GetLifecycleConfiguration",
            // S3: DeleteBucketLifecycle needs s3:PutLifecycleConfiguration; there is no delete action.
            S3Operation.PutBucketLifecycleConfiguration or S3Operation.DeleteBucketLifecycle => "s3:PutLifecycleConfiguration",
            S3Operation.GetBucketReplication => "s3:GetReplicationConfiguration",
            // S3: DeleteBucketReplication needs s3:PutReplicationConfiguration; there is no delete action.
            S3Operation.PutBucketReplication or S3Operation.DeleteBucketReplication => "s3:PutReplicationConfiguration",
            S3Operation.GetBucketOwnershipControls => "s3:GetBucketOwnershipControls",
            S3Operation.PutBucketOwnershipControls or S3Operation.DeleteBucketOwnershipControls => "s3:PutBucketOwnershipControls",
            S3Operation.PreflightCors => null, // anonymous: answered from the CORS rules alone
            S3Operation.GetBucketConfigurationNotSet => UnsetConfiguration.Find(request.Query)!.Action,
            _ => "s3:*Unsupported",
        };
    }

    /// <summary>The root user may always manage a bucket's policy, so a policy that locks everyone out can be undone.</summary>
    public static bool IsPolicyManagement(string action) =>
        action is "s3:GetBucketPolicy" or "s3:PutBucketPolicy" or "s3:DeleteBucketPolicy";
}
