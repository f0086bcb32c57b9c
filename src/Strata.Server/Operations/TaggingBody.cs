using System.Security.Cryptography;
using System.Text;
using Strata.Core;
using Strata.Core.Tagging;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>The Tagging document of PutObjectTagging and PutBucketTagging, read whole (it is small and capped) and checked.</summary>
internal static class TaggingBody
{
    private const string TooLarge = "The Tagging document must be at most 256 KB.";

    /// <summary>
    /// S3 requires an integrity check of these bodies, Content-MD5 or an x-amz-checksum-* value (the SDKs send one);
    /// a wrong one is BadDigest. Then MalformedXML, then the tags' own rules (InvalidTag).
    /// </summary>
    public static async Task<TagSet> ReadAsync(S3Context ctx, TagSetKind kind)
    {
        var expectedMd5 = PutObject.ContentMd5(ctx.Request.Header("Content-MD5"));
        if (ctx.Caller.PayloadLength > TaggingReader.MaxBytes) S3Fail.With(StrataError.MalformedXML, TooLarge);
        var buffer = new byte[TaggingReader.MaxBytes + 1];
        var length = 0;
        int read;
        while ((read = await ctx.Caller.Payload.ReadAsync(buffer.AsMemory(length), ctx.Aborted)) > 0)
        {
            length += read;
            if (length > TaggingReader.MaxBytes) S3Fail.With(StrataError.MalformedXML, TooLarge);
        }
        if (expectedMd5 is null && ctx.Caller.Checksum() is null)
        {
            S3Fail.With(StrataError.InvalidRequest, "Missing required header for this request: Content-MD5");
        }
        if (expectedMd5 is not null && !CryptographicOperations.FixedTimeEquals(MD5.HashData(buffer.AsSpan(0, length)), expectedMd5))
        {
            S3Fail.With(StrataError.BadDigest);
        }
        string text;
        try
        {
            text = ObjectKey.StrictUtf8.GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
        return TaggingReader.Read(text, kind);
    }
}
