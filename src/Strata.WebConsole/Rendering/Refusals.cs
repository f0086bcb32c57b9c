using Amazon.S3;
using Strata.Client;

namespace Strata.WebConsole.Rendering;

/// <summary>
/// An S3 refusal of the user's own request as one plain sentence for a page: which action was missing and whom to
/// ask, or why the service said no. Never the secret, never a stack trace.
/// </summary>
internal static class Refusals
{
    /// <param name="action">The IAM action the request needed, such as s3:GetBucketVersioning.</param>
    /// <param name="what">What the console was doing, in words ("read the versioning state").</param>
    public static string Explain(Exception error, string action, string what) => error switch
    {
        AmazonS3Exception { ErrorCode: "AccessDenied" } e when !S3ErrorExplainer.IsMfaRequired(e) =>
            $"Access denied: your key may not {what} ({action}). Ask the bucket's owner to grant it.",
        AmazonS3Exception { ErrorCode: "NoSuchBucket" or "InvalidBucketName" } => "The bucket does not exist (any more).",
        AmazonS3Exception e => S3ErrorExplainer.ExplainCode(e.ErrorCode, e.Message, action, status: e.StatusCode),
        _ => S3ErrorExplainer.Explain(error, action),
    };
}
