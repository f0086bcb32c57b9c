using Strata.Core;
using Strata.Core.ObjectLock;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>GetObjectLockConfiguration and PutObjectLockConfiguration (which also enables Object Lock on an Enabled versioned bucket).</summary>
internal static class BucketObjectLock
{
    public static async Task GetAsync(S3Context ctx)
    {
        var configuration = ctx.Engine.GetObjectLockConfiguration(ctx.S3.RequireBucket())
            ?? throw S3Fail.Exception(StrataError.ObjectLockConfigurationNotFoundError);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await ObjectLockXml.WriteConfigurationAsync(xml, configuration);
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        // x-amz-bucket-object-lock-token was needed once to enable Object Lock on an existing bucket; S3 ignores it now.
        var configuration = ObjectLockXml.ReadConfiguration(await ReadDocumentAsync(ctx)); // MalformedXML, InvalidRetentionPeriod: nothing stored
        await ctx.Engine.PutObjectLockConfigurationAsync(bucket, configuration); // InvalidBucketState unless versioning is Enabled
    }

    /// <summary>The body of an Object Lock request (configuration, retention, legal hold), checked as every configuration document is.</summary>
    public static Task<string> ReadDocumentAsync(S3Context ctx) => RequestDocument.ReadAsync(ctx, ObjectLockXml.MaxBytes);
}
