using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Buckets;
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
        var text = await RequestDocument.ReadAsync(ctx, LifecycleConfigurationReader.MaxBytes, TooLarge);
        var configuration = LifecycleConfigurationReader.Read(text); // MalformedXML, InvalidArgument, NotImplemented: nothing stored
        // Strata: on an MFA Delete bucket the configuration needs the root user's x-amz-mfa code (checked in the write).
        try
        {
            await ctx.Engine.PutLifecycleConfigurationAsync(bucket, LifecycleConfigurationWriter.Write(configuration), ctx.MfaVerified);
        }
        finally
        {
            ctx.Lifecycle.Forget(bucket);
        }
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        try
        {
            await ctx.Engine.DeleteLifecycleConfigurationAsync(bucket);
        }
        finally
        {
            ctx.Lifecycle.Forget(bucket);
        }
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private const string TooLarge = "The lifecycle configuration must be at most 1 MB.";
}
