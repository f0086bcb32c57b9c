using Strata.Core;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// S3's conditional deletes (DeleteObject's If-Match header, DeleteObjects' ETag element per object): the delete
/// happens only when the key's current version matches, "*" meaning any current object. The engine evaluates it in
/// the delete's own commit (404 NoSuchKey without a current object, 412 PreconditionFailed on another ETag).
/// </summary>
internal static class ConditionalDeletes
{
    /// <summary>
    /// The condition to hand the engine, or null when the request has none. S3 evaluates conditional deletes against the
    /// current version only, so one on a request that names a version is refused rather than guessed at; an ETag (not
    /// "*") reads the object, so it needs s3:GetObject as well, as S3 requires.
    /// </summary>
    public static string? IfMatch(S3Context ctx, BucketName bucket, ObjectKey key, string? ifMatch, VersionId? versionId)
    {
        if (ifMatch is null) return null;
        if (versionId is not null)
        {
            throw S3Fail.Exception(StrataError.NotImplemented, "A conditional delete (If-Match) applies to the current version of an object; it cannot name a versionId.");
        }
        if (ifMatch.Trim() != "*") ctx.Require("s3:GetObject", bucket, key);
        return ifMatch;
    }
}
