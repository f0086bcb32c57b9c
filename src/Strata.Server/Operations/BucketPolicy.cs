using System.Text;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Policies;
using Strata.Core.PublicAccess;
using Strata.Server.Body;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>GetBucketPolicy, PutBucketPolicy (MalformedPolicy on a bad document), DeleteBucketPolicy.</summary>
internal static class BucketPolicy
{
    /// <summary>S3: a bucket policy is at most 20 KB.</summary>
    public const int MaxBytes = 20 * 1024;

    public static async Task GetAsync(S3Context ctx)
    {
        var document = ctx.Engine.GetBucketPolicy(ctx.S3.RequireBucket()) ?? throw S3Fail.Exception(StrataError.NoSuchBucketPolicy);
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(document, ctx.Aborted);
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        if (ctx.Caller.PayloadLength > MaxBytes) S3Fail.With(StrataError.MalformedPolicy, "Policies must be at most 20 KB");
        var document = await ReadSmallTextAsync(ctx.Caller.Payload, MaxBytes, StrataError.MalformedPolicy, ctx.Aborted);
        var policy = PolicyDocument.Parse(document, PolicyKind.Resource); // MalformedPolicy, before anything is stored
        // S3, Block Public Access: with BlockPublicPolicy on, a public policy is refused and the current one stays.
        if (ctx.Authorizer.PublicAccess.Of(bucket).BlockPublicPolicy && PublicPolicies.IsPublic(policy)) S3Fail.With(StrataError.AccessDenied);
        await ctx.Engine.PutBucketPolicyAsync(bucket, document);
        ctx.Authorizer.Forget(bucket);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        await ctx.Engine.PutBucketPolicyAsync(bucket, null);
        ctx.Authorizer.Forget(bucket);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Reads a small UTF-8 body to its end (which verifies its signature), refusing more than <paramref name="limit"/> bytes.</summary>
    public static async Task<string> ReadSmallTextAsync(Stream payload, int limit, StrataError tooLarge, CancellationToken cancellationToken)
    {
        var (buffer, length) = await SmallBody.ReadAsync(payload, limit, tooLarge, null, cancellationToken);
        try
        {
            return ObjectKey.StrictUtf8.GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw S3Fail.Exception(tooLarge, "The document is not valid UTF-8.");
        }
    }
}
