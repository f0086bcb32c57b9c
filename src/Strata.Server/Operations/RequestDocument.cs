using System.Security.Cryptography;
using System.Text;
using Strata.Core;
using Strata.Server.Body;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// The XML document of a configuration request (CORS, lifecycle, Block Public Access, Object Lock, tagging), read
/// whole and checked as S3 checks it before any parsing: at most <c>maxBytes</c> (MalformedXML), read to its end so
/// its signature and checksum are verified, an integrity check required (Content-MD5 or an x-amz-checksum-* value;
/// a wrong Content-MD5 is BadDigest), and strict UTF-8 (MalformedXML otherwise).
/// </summary>
internal static class RequestDocument
{
    public static async Task<string> ReadAsync(S3Context ctx, int maxBytes, string? tooLarge = null)
    {
        var expectedMd5 = PutObject.ContentMd5(ctx.Request.Header("Content-MD5"));
        if (ctx.Caller.PayloadLength > maxBytes) S3Fail.With(StrataError.MalformedXML, tooLarge);
        var (body, length) = await SmallBody.ReadAsync(ctx.Caller.Payload, maxBytes, StrataError.MalformedXML, tooLarge, ctx.Aborted);
        if (expectedMd5 is null && ctx.Caller.Checksum() is null)
        {
            S3Fail.With(StrataError.InvalidRequest, "Missing required header for this request: Content-MD5");
        }
        if (expectedMd5 is not null && !CryptographicOperations.FixedTimeEquals(MD5.HashData(body.AsSpan(0, length)), expectedMd5))
        {
            S3Fail.With(StrataError.BadDigest);
        }
        try
        {
            return ObjectKey.StrictUtf8.GetString(body, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
    }
}
