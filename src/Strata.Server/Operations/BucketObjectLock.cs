using System.Security.Cryptography;
using System.Text;
using Strata.Core;
using Strata.Core.ObjectLock;
using Strata.Server.Body;
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

    /// <summary>
    /// The body of an Object Lock request, read to its end (signature and checksum verified). S3 requires these bodies
    /// to carry an integrity check, Content-MD5 or an x-amz-checksum-* value; Content-MD5 must match (BadDigest).
    /// </summary>
    public static async Task<string> ReadDocumentAsync(S3Context ctx)
    {
        var expectedMd5 = PutObject.ContentMd5(ctx.Request.Header("Content-MD5"));
        if (ctx.Caller.PayloadLength > ObjectLockXml.MaxBytes) S3Fail.With(StrataError.MalformedXML);
        var (buffer, length) = await SmallBody.ReadAsync(ctx.Caller.Payload, ObjectLockXml.MaxBytes, StrataError.MalformedXML, null, ctx.Aborted);
        if (expectedMd5 is null && ctx.Caller.Checksum() is null)
        {
            S3Fail.With(StrataError.InvalidRequest, "Missing required header for this request: Content-MD5");
        }
        if (expectedMd5 is not null && !CryptographicOperations.FixedTimeEquals(MD5.HashData(buffer.AsSpan(0, length)), expectedMd5))
        {
            S3Fail.With(StrataError.BadDigest);
        }
        try
        {
            return ObjectKey.StrictUtf8.GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
    }
}
