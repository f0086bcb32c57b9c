using Strata.Core;

namespace Strata.Server.Errors;

/// <summary>The one place that knows which HTTP status each S3 error code has.</summary>
internal static class S3ErrorMap
{
    public static readonly IReadOnlyDictionary<StrataError, int> Status = new Dictionary<StrataError, int>
    {
        [StrataError.AccessDenied] = 403,
        [StrataError.AccessForbidden] = 403,
        [StrataError.BadRequest] = 400,
        [StrataError.AccessControlListNotSupported] = 400,
        [StrataError.MalformedPolicy] = 400,
        [StrataError.NoSuchBucketPolicy] = 404,
        [StrataError.NoSuchCORSConfiguration] = 404,
        [StrataError.NoSuchLifecycleConfiguration] = 404,
        [StrataError.NoSuchPublicAccessBlockConfiguration] = 404,
        [StrataError.NoSuchTagSet] = 404,
        [StrataError.NoSuchWebsiteConfiguration] = 404,
        [StrataError.ObjectLockConfigurationNotFoundError] = 404,
        [StrataError.ReplicationConfigurationNotFoundError] = 404,
        [StrataError.NoSuchEntity] = 404,
        [StrataError.EntityAlreadyExists] = 409,
        [StrataError.DeleteConflict] = 409, // IAM's code for an entity that still has others attached
        [StrataError.AuthorizationHeaderMalformed] = 400,
        [StrataError.AuthorizationQueryParametersError] = 400,
        [StrataError.BadDigest] = 400,
        [StrataError.BucketAlreadyExists] = 409,
        [StrataError.BucketAlreadyOwnedByYou] = 409,
        [StrataError.BucketNotEmpty] = 409,
        [StrataError.EntityTooLarge] = 400,
        [StrataError.EntityTooSmall] = 400,
        [StrataError.IllegalVersioningConfigurationException] = 400,
        [StrataError.IncompleteBody] = 400,
        [StrataError.InternalError] = 500,
        [StrataError.InvalidAccessKeyId] = 403,
        [StrataError.InvalidArgument] = 400,
        [StrataError.InvalidBucketName] = 400,
        [StrataError.InvalidBucketState] = 409,
        [StrataError.InvalidRetentionPeriod] = 400,
        [StrataError.NoSuchObjectLockConfiguration] = 404,
        [StrataError.InvalidDigest] = 400,
        [StrataError.InvalidPart] = 400,
        [StrataError.InvalidPolicyDocument] = 400,
        [StrataError.InvalidPartOrder] = 400,
        [StrataError.InvalidRange] = 416,
        [StrataError.InvalidRequest] = 400,
        [StrataError.InvalidTag] = 400,
        [StrataError.KeyTooLongError] = 400,
        [StrataError.MalformedXML] = 400,
        [StrataError.MalformedPOSTRequest] = 400,
        [StrataError.MaxPostPreDataLengthExceededError] = 400,
        [StrataError.MetadataTooLarge] = 400,
        [StrataError.MethodNotAllowed] = 405,
        [StrataError.MissingContentLength] = 411,
        [StrataError.MissingSecurityHeader] = 400,
        [StrataError.NoSuchBucket] = 404,
        [StrataError.NoSuchKey] = 404,
        [StrataError.NoSuchUpload] = 404,
        [StrataError.NoSuchVersion] = 404,
        [StrataError.NotImplemented] = 501,
        [StrataError.NotModified] = 304,
        [StrataError.PreconditionFailed] = 412,
        [StrataError.RequestTimeout] = 400,
        [StrataError.RequestTimeTooSkewed] = 403,
        [StrataError.SignatureDoesNotMatch] = 403,
        [StrataError.XAmzContentSHA256Mismatch] = 400,
    };

    public static int StatusOf(StrataError error) => Status.TryGetValue(error, out var status) ? status : 500;
}
