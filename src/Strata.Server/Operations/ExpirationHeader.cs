using Strata.Core;
using Strata.Core.Lifecycle;
using Strata.Core.Tagging;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// x-amz-expiration on PutObject, CopyObject, CompleteMultipartUpload, GetObject and HeadObject: when the bucket's
/// lifecycle Expiration rules expire the object's current version, and by which rule (docs/S3-SUPPORT.md, Lifecycle).
/// </summary>
internal static class ExpirationHeader
{
    public const string Name = "x-amz-expiration";

    public static void Write(S3Context ctx, BucketName bucket, ObjectKey key, long size, TagSet tags, DateTimeOffset created)
    {
        if (ctx.Lifecycle.Of(bucket) is not { } configuration) return;
        if (ObjectExpiration.Of(configuration, key.Value, size, tags, created) is { } expiry) ctx.Response.Headers[Name] = expiry.HeaderValue();
    }
}
