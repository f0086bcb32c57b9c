using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Buckets;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>GetBucketCors, PutBucketCors (validated as S3 validates it, Content-MD5 or a checksum required), DeleteBucketCors.</summary>
internal static class BucketCors
{
    public static async Task GetAsync(S3Context ctx)
    {
        var document = ctx.Engine.GetBucketConfig(ctx.S3.RequireBucket(), BucketConfigKind.Cors)
            ?? throw S3Fail.Exception(StrataError.NoSuchCORSConfiguration);
        ctx.Response.ContentType = "application/xml";
        await ctx.Response.WriteAsync(CorsConfigurationWriter.Declaration + document, ctx.Aborted);
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var text = await RequestDocument.ReadAsync(ctx, CorsConfigurationReader.MaxBytes, TooLarge);
        var configuration = CorsConfigurationReader.Read(text); // MalformedXML, InvalidRequest: nothing stored
        await ctx.Engine.PutBucketConfigAsync(bucket, BucketConfigKind.Cors, CorsConfigurationWriter.Write(configuration));
        ctx.Cors.Forget(bucket);
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        await ctx.Engine.DeleteBucketConfigAsync(ctx.S3.RequireBucket(), BucketConfigKind.Cors);
        ctx.Cors.Forget(ctx.S3.RequireBucket());
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private const string TooLarge = "The CORS configuration must be at most 64 KB.";
}
