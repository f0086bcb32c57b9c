using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Buckets;
using Strata.Server.Body;
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
        var expectedMd5 = PutObject.ContentMd5(ctx.Request.Header("Content-MD5"));
        if (ctx.Caller.PayloadLength > PublicAccessBlockXml.MaxBytes) S3Fail.With(StrataError.MalformedXML);
        var (body, length) = await SmallBody.ReadAsync(ctx.Caller.Payload, PublicAccessBlockXml.MaxBytes, StrataError.MalformedXML, null, ctx.Aborted); // to its end: signature and checksum verified
        // S3: PutPublicAccessBlock needs an integrity check of its body, Content-MD5 or an x-amz-checksum-* value.
        if (expectedMd5 is null && ctx.Caller.Checksum() is null)
        {
            S3Fail.With(StrataError.InvalidRequest, "Missing required header for this request: Content-MD5");
        }
        if (expectedMd5 is not null && !CryptographicOperations.FixedTimeEquals(MD5.HashData(body.AsSpan(0, length)), expectedMd5))
        {
            S3Fail.With(StrataError.BadDigest);
        }
        string text;
        try
        {
            text = ObjectKey.StrictUtf8.GetString(body, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
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
