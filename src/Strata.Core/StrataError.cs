namespace Strata.Core;

/// <summary>S3's error codes, verbatim. Statuses live in the server's S3ErrorMap, not here.</summary>
public enum StrataError
{
    AccessDenied,
    AccessForbidden,
    AccessControlListNotSupported,
    AuthorizationHeaderMalformed,
    AuthorizationQueryParametersError,
    BadRequest,
    BadDigest,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    DeleteConflict,
    EntityAlreadyExists,
    EntityTooLarge,
    EntityTooSmall,
    IllegalVersioningConfigurationException,
    IncompleteBody,
    InternalError,
    InvalidAccessKeyId,
    InvalidArgument,
    InvalidBucketName,
    InvalidDigest,
    InvalidPart,
    InvalidPolicyDocument,
    InvalidPartOrder,
    InvalidRange,
    InvalidRequest,
    InvalidTag,
    KeyTooLongError,
    MalformedXML,
    MalformedPolicy,
    MalformedPOSTRequest,
    MaxPostPreDataLengthExceededError,
    MetadataTooLarge,
    MethodNotAllowed,
    MissingContentLength,
    MissingSecurityHeader,
    NoSuchBucket,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchLifecycleConfiguration,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchTagSet,
    NoSuchWebsiteConfiguration,
    ObjectLockConfigurationNotFoundError,
    ReplicationConfigurationNotFoundError,
    NoSuchEntity,
    NoSuchKey,
    NoSuchUpload,
    NoSuchVersion,
    NotImplemented,
    NotModified,
    PreconditionFailed,
    RequestTimeout,
    RequestTimeTooSkewed,
    SignatureDoesNotMatch,
    XAmzContentSHA256Mismatch,
    InvalidBucketState,
    InvalidRetentionPeriod,
    NoSuchObjectLockConfiguration,
    MalformedACLError,
    UnresolvableGrantByEmailAddress,
    InvalidBucketAclWithObjectOwnership,
    OwnershipControlsNotFoundError,
    UnexpectedContent,
}

/// <summary>Abandons a request with an S3 error; the front end turns it into S3's XML error body.</summary>
public sealed class StrataException(StrataError error, string message) : Exception(message)
{
    public StrataError Error { get; } = error;

    /// <summary>Extra response headers S3 sends with this error (e.g. x-amz-delete-marker on a 405).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>Extra elements of S3's XML error body (e.g. Region on AuthorizationHeaderMalformed, which clients retry with).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Details { get; init; }
}

public static class S3Fail
{
    public static StrataException Exception(StrataError error, string? message = null) =>
        new(error, message ?? DefaultMessage(error));

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void With(StrataError error, string? message = null) => throw Exception(error, message);

    public static string DefaultMessage(StrataError error) => error switch
    {
        StrataError.AccessDenied => "Access Denied",
        StrataError.AccessControlListNotSupported => "The bucket does not allow ACLs",
        StrataError.MalformedACLError => "The XML you provided was not well-formed or did not validate against our published schema",
        StrataError.UnresolvableGrantByEmailAddress => "The e-mail address you provided does not match any account on record.",
        StrataError.InvalidBucketAclWithObjectOwnership => "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        StrataError.OwnershipControlsNotFoundError => "The bucket ownership controls were not found",
        StrataError.UnexpectedContent => "This request does not support content",
        StrataError.MalformedPolicy => "Policies must be valid JSON and the first byte must be '{'",
        StrataError.NoSuchBucketPolicy => "The bucket policy does not exist",
        StrataError.NoSuchCORSConfiguration => "The CORS configuration does not exist",
        StrataError.NoSuchLifecycleConfiguration => "The lifecycle configuration does not exist",
        StrataError.NoSuchPublicAccessBlockConfiguration => "The public access block configuration was not found",
        StrataError.NoSuchTagSet => "The TagSet does not exist",
        StrataError.InvalidTag => "The tag provided was not a valid tag.",
        StrataError.NoSuchWebsiteConfiguration => "The specified bucket does not have a website configuration",
        StrataError.ObjectLockConfigurationNotFoundError => "Object Lock configuration does not exist for this bucket",
        StrataError.ReplicationConfigurationNotFoundError => "The replication configuration was not found",
        StrataError.NoSuchEntity => "The request was rejected because it referenced an entity that does not exist.",
        StrataError.DeleteConflict => "The request was rejected because it attempted to delete a resource that has attached subordinate entities.",
        StrataError.EntityAlreadyExists => "The request was rejected because it attempted to create a resource that already exists.",
        StrataError.BadDigest => "The Content-MD5 or checksum you specified did not match what we received.",
        StrataError.BucketAlreadyExists => "The requested bucket name is not available.",
        StrataError.BucketAlreadyOwnedByYou => "Your previous request to create the named bucket succeeded and you already own it.",
        StrataError.BucketNotEmpty => "The bucket you tried to delete is not empty",
        StrataError.EntityTooLarge => "Your proposed upload exceeds the maximum allowed size",
        StrataError.EntityTooSmall => "Your proposed upload is smaller than the minimum allowed object size.",
        StrataError.IncompleteBody => "You did not provide the number of bytes specified by the Content-Length HTTP header.",
        StrataError.InternalError => "We encountered an internal error. Please try again.",
        StrataError.InvalidAccessKeyId => "The AWS Access Key Id you provided does not exist in our records.",
        StrataError.InvalidBucketName => "The specified bucket is not valid.",
        StrataError.InvalidDigest => "The Content-MD5 you specified is not valid.",
        StrataError.InvalidRange => "The requested range is not satisfiable",
        StrataError.KeyTooLongError => "Your key is too long",
        StrataError.MalformedXML => "The XML you provided was not well-formed or did not validate against our published schema",
        StrataError.MalformedPOSTRequest => "The body of your POST request is not well-formed multipart/form-data.",
        StrataError.MaxPostPreDataLengthExceededError => "Your POST request fields preceding the upload file were too large.",
        StrataError.InvalidPolicyDocument => "The content of the form does not meet the conditions specified in the policy document.",
        StrataError.MetadataTooLarge => "Your metadata headers exceed the maximum allowed metadata size.",
        StrataError.MethodNotAllowed => "The specified method is not allowed against this resource.",
        StrataError.MissingContentLength => "You must provide the Content-Length HTTP header.",
        StrataError.NoSuchBucket => "The specified bucket does not exist",
        StrataError.NoSuchKey => "The specified key does not exist.",
        StrataError.NoSuchUpload => "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
        StrataError.NoSuchVersion => "The specified version does not exist.",
        StrataError.NotImplemented => "A header or query you provided implies functionality that is not implemented.",
        StrataError.NotModified => "Not Modified",
        StrataError.PreconditionFailed => "At least one of the pre-conditions you specified did not hold",
        StrataError.RequestTimeout => "Your socket connection to the server was not read from or written to within the timeout period.",
        StrataError.RequestTimeTooSkewed => "The difference between the request time and the current time is too large.",
        StrataError.SignatureDoesNotMatch => "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        StrataError.XAmzContentSHA256Mismatch => "The provided 'x-amz-content-sha256' header does not match what was computed.",
        StrataError.IllegalVersioningConfigurationException => "The versioning configuration specified in the request is invalid.",
        StrataError.InvalidBucketState => "The request is not valid with the current state of the bucket.",
        StrataError.InvalidRetentionPeriod => "Default retention period must be a positive integer value.",
        StrataError.NoSuchObjectLockConfiguration => "The specified object does not have a ObjectLock configuration",
        _ => error.ToString(),
    };
}
