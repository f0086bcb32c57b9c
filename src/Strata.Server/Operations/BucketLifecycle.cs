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
/// GetBucketLifecycleConfiguration, PutBucketLifecycleConfiguration (validated as S3 validates it, Content-MD5 or a
/// checksum required; on an MFA Delete bucket an x-amz-mfa code as well, see docs/S3-SUPPORT.md), DeleteBucketLifecycle.
/// </summary>
internal static class BucketLifecycle
{
    public static async Task GetAsync(S3Context ctx)
    {
        var document = ctx.Engine.GetBucketConfig(ctx.S3.RequireBucket(), BucketConfigKind.Lifecycle)
            ?? throw S3Fail.Exception(StrataError.NoSuchLifecycleConfiguration);
        ctx.Response.ContentType = "application/xml";
        await ctx.Response.WriteAsync(LifecycleConfigurationWriter.Declaration + document, ctx.Aborted);
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var expectedMd5 = PutObject.ContentMd5(ctx.Request.Header("Content-MD5"));
        if (ctx.Caller.PayloadLength > LifecycleConfigurationReader.MaxBytes) S3Fail.With(StrataError.MalformedXML, TooLarge);
        var (body, length) = await SmallBody.ReadAsync(ctx.Caller.Payload, LifecycleConfigurationReader.MaxBytes, StrataError.MalformedXML, TooLarge, ctx.Aborted); // read to its end: signature and checksum verified
        // S3: PutBucketLifecycleConfiguration needs an integrity check of its body, Content-MD5 or an x-amz-checksum-* value.
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
        var configuration = LifecycleConfigurationReader.Read(text); // MalformedXML, InvalidArgument, NotImplemented: nothing stored
        // Strata: on an MFA Delete bucket the configuration needs the root user's x-amz-mfa code (checked in the write).
        await ctx.Engine.PutLifecycleConfigurationAsync(bucket, LifecycleConfigurationWriter.Write(configuration), ctx.MfaVerified);
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        await ctx.Engine.DeleteLifecycleConfigurationAsync(ctx.S3.RequireBucket());
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private const string TooLarge = "The lifecycle configuration must be at most 1 MB.";
}
