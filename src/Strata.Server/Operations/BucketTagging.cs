using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Tagging;
using Strata.Engine.Buckets;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetBucketTagging (404 NoSuchTagSet when none is set), PutBucketTagging (up to 50 tags, replacing any), DeleteBucketTagging.
/// Stored as a bucket configuration document of kind "tagging" in TagSet's compact form.
/// </summary>
internal static class BucketTagging
{
    public static async Task GetAsync(S3Context ctx)
    {
        var stored = ctx.Engine.GetBucketConfig(ctx.S3.RequireBucket(), BucketConfigKind.Tagging)
            ?? throw S3Fail.Exception(StrataError.NoSuchTagSet);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await TaggingWriter.WriteAsync(xml, TagSet.Deserialize(stored));
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        ctx.Engine.GetBucket(bucket); // NoSuchBucket before the body is read
        var tags = await TaggingBody.ReadAsync(ctx, TagSetKind.Bucket);
        // S3: an empty TagSet leaves the bucket without tags (GetBucketTagging then answers NoSuchTagSet).
        if (tags.Serialize() is { } stored) await ctx.Engine.PutBucketConfigAsync(bucket, BucketConfigKind.Tagging, stored);
        else await ctx.Engine.DeleteBucketConfigAsync(bucket, BucketConfigKind.Tagging);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        await ctx.Engine.DeleteBucketConfigAsync(ctx.S3.RequireBucket(), BucketConfigKind.Tagging);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
