using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Buckets;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetPublicAccessBlock (404 NoSuchPublicAccessBlockConfiguration when the bucket has none), PutPublicAccessBlock
/// (Content-MD5 or a checksum required, as S3 requires it), DeletePublicAccessBlock (204, none or not).
/// </summary>
internal static class BucketPublicAccessBlock
{
    public static async Task GetAsync(S3Context ctx)
    {
        var document = ctx.Engine.GetBucketConfig(ctx.S3.RequireBucket(), BucketConfigKind.PublicAccessBlock)
            ?? throw S3Fail.Exception(StrataError.NoSuchPublicAccessBlockConfiguration);
        ctx.Response.ContentType = "application/xml";
        await ctx.Response.WriteAsync(PublicAccessBlockXml.Declaration + document, ctx.Aborted);
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var text = await RequestDocument.ReadAsync(ctx, PublicAccessBlockXml.MaxBytes);
        var settings = PublicAccessBlockXml.Read(text); // MalformedXML: nothing stored
        await ctx.Engine.PutBucketConfigAsync(bucket, BucketConfigKind.PublicAccessBlock, PublicAccessBlockXml.Write(settings));
        ctx.Authorizer.PublicAccess.Forget(bucket);
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        await ctx.Engine.DeleteBucketConfigAsync(bucket, BucketConfigKind.PublicAccessBlock);
        ctx.Authorizer.PublicAccess.Forget(bucket);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
