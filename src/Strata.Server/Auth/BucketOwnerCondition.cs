using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Server.Operations;
using Strata.Server.Routing;

namespace Strata.Server.Auth;

/// <summary>
/// S3's bucket owner condition: x-amz-expected-bucket-owner names the account id the caller expects to own the
/// request's bucket, x-amz-source-expected-bucket-owner the copy source's (CopyObject, UploadPartCopy). When the
/// bucket belongs to another account the request fails with 403 AccessDenied before anything is read or written.
/// </summary>
internal static class BucketOwnerCondition
{
    public const string ExpectedBucketOwner = "x-amz-expected-bucket-owner";
    public const string SourceExpectedBucketOwner = "x-amz-source-expected-bucket-owner";

    public static void Check(HttpRequest request, S3Request s3, Authorizer authorizer)
    {
        // S3 documents the condition for object and bucket operations, not CreateBucket (there is no owner yet).
        if (s3.Bucket is { } bucket && s3.Operation != S3Operation.CreateBucket && Header(request, ExpectedBucketOwner) is { } expected)
        {
            Require(expected, authorizer.OwnerOf(bucket));
        }
        if (s3.Operation is S3Operation.CopyObject or S3Operation.UploadPartCopy
            && Header(request, SourceExpectedBucketOwner) is { } expectedSource
            && Header(request, "x-amz-copy-source") is { } copySource)
        {
            Require(expectedSource, authorizer.OwnerOf(CopySource.Parse(copySource).Bucket));
        }
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? text : null;

    // A bucket that does not exist has no owner to compare: the operation answers NoSuchBucket.
    private static void Require(string expected, Account? owner)
    {
        if (owner is not null && owner.AccountId != expected) throw S3Fail.Exception(StrataError.AccessDenied);
    }
}
