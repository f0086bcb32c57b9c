using System.Net;
using Amazon.Runtime;

namespace Strata.Client;

/// <summary>
/// Turns what the SDK throws into one plain sentence with the fix: which action the key lacks, that
/// <c>--mfa</c> is needed, that a bucket is missing. Never a stack trace.
/// </summary>
public static class S3ErrorExplainer
{
    /// <summary>Explains <paramref name="error"/> raised while doing <paramref name="action"/> on <paramref name="resource"/>.</summary>
    /// <param name="error">What the SDK (or the local file system) threw.</param>
    /// <param name="action">The IAM action the request needed, such as <c>s3:DeleteObjectVersion</c>.</param>
    /// <param name="resource">The ARN the action was on.</param>
    /// <param name="bucket">The bucket, for a NoSuchBucket answer.</param>
    public static string Explain(Exception error, string? action = null, string? resource = null, string? bucket = null)
    {
        switch (error)
        {
            case AmazonServiceException service:
                return ExplainService(service, action, resource, bucket);
            case AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase):
                return "No AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile NAME for a profile in ~/.aws/credentials.";
            case AmazonClientException or HttpRequestException when Connection.ConnectionFailure.Explain(error, null) is { } unreachable:
                return unreachable;
            case OperationCanceledException:
                return "The request timed out; run again (what is done is skipped), perhaps with a lower --concurrency.";
            case UnauthorizedAccessException or IOException:
                return $"Local file system: {error.Message}";
            default:
                return error.Message;
        }
    }

    /// <summary>True when the service refused because the request needed MFA (the bucket has MFA Delete on).</summary>
    public static bool IsMfaRequired(AmazonServiceException error) => IsMfaRefusal(error.ErrorCode, error.Message);

    private static bool IsMfaRefusal(string? code, string? message) =>
        code is "AccessDenied" or "InvalidRequest" && message is not null && message.Contains("mfa", StringComparison.OrdinalIgnoreCase);

    private static string ExplainService(AmazonServiceException e, string? action, string? resource, string? bucket) =>
        ExplainCode(e.ErrorCode, e.Message, action, resource, bucket, e.StatusCode);

    /// <summary>Explains an S3 error code and message (as DeleteObjects reports per key) in plain words with the fix.</summary>
    public static string ExplainCode(string? code, string? message, string? action = null, string? resource = null, string? bucket = null,
        HttpStatusCode status = 0)
    {
        if (IsMfaRefusal(code, message))
        {
            if (message!.Contains("HTTPS", StringComparison.OrdinalIgnoreCase))
            {
                return "An MFA code is only accepted over HTTPS: use an https:// --endpoint-url (strata serve --tls), with --ca-bundle for its certificate.";
            }
            if (message.Contains("already used", StringComparison.OrdinalIgnoreCase) || message.Contains("not valid", StringComparison.OrdinalIgnoreCase))
            {
                return "The MFA code was refused: it is wrong, or it was already used (a code authorizes one request). "
                    + "Wait for the device's next code and run again; what is done is skipped.";
            }
            return "The bucket has MFA Delete enabled, so removing a version needs the MFA device: pass --mfa \"SERIAL CODE\" "
                + "(the device's serial number or ARN and its current code), or leave out --remove-markers to undelete by copying, which removes nothing.";
        }
        switch (code)
        {
            case "AccessDenied":
                var what = action is null ? "this operation" : action;
                var on = resource is null ? "" : $" on {resource}";
                var hint = action == "s3:DeleteObjectVersion"
                    ? " Or leave out --remove-markers: undelete by copy needs only s3:GetObjectVersion and s3:PutObject."
                    : "";
                return $"Access denied: the credentials in use lack {what}{on}. Grant {what} to this key in its policy, or use a key that has it.{hint}";
            case "NoSuchBucket":
                return $"Bucket '{bucket ?? message}' does not exist at this endpoint. Check the name in the s3:// target and --endpoint-url.";
            case "InvalidAccessKeyId":
                return "The endpoint does not know this access key: check AWS_ACCESS_KEY_ID, --profile and --endpoint-url.";
            case "SignatureDoesNotMatch":
                return "The secret key does not match the access key (the signature was refused): check AWS_SECRET_ACCESS_KEY or the profile.";
            case "NoSuchVersion":
                return "That version does not exist (it may have been deleted permanently); list them with `strata versions`.";
            case "NoSuchKey":
                return "The object does not exist (or its latest version is a delete marker).";
            case "MethodNotAllowed":
                return "That version is a delete marker: it has no content to restore. To bring the key back, use `strata undelete`.";
            case "SlowDown" or "ServiceUnavailable" or "RequestTimeout":
                return $"The endpoint is overloaded ({code}); run again with a lower --concurrency.";
        }
        if (status == HttpStatusCode.Forbidden) return $"Refused ({code}): {message}";
        return $"{(string.IsNullOrEmpty(code) ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : code)}: {message}";
    }
}
