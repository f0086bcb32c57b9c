using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Tagging;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetObjectTagging, PutObjectTagging, DeleteObjectTagging: the tags of the latest version or of ?versionId=, changed in
/// place (no new version, the bytes and Last-Modified untouched). Each answer names the version in x-amz-version-id.
/// </summary>
internal static class ObjectTagging
{
    public static async Task GetAsync(S3Context ctx)
    {
        var versionId = VersionOf(ctx);
        var (bucket, version) = ctx.Engine.FindVersion(ctx.S3.RequireBucket(), ctx.S3.RequireKey(), versionId);
        var found = GetObject.Check(version, versionId);
        ObjectResponse.WriteVersionId(ctx.Response, bucket, found.VersionId);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await TaggingWriter.WriteAsync(xml, found.Tags);
    }

    /// <summary>
    /// Authorized here rather than before the operation: s3:RequestObjectTag/&lt;key&gt; and s3:RequestObjectTagKeys come
    /// from the body, so the body (small and capped) is read and parsed first; nothing is written before the check.
    /// </summary>
    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var versionId = VersionOf(ctx);
        ctx.Engine.GetBucket(bucket); // NoSuchBucket before the body is read
        var tags = await TaggingBody.ReadAsync(ctx, TagSetKind.Object);
        ctx.Authorizer.Check(ctx.Http, ctx.Principal, versionId is null ? "s3:PutObjectTagging" : "s3:PutObjectVersionTagging", bucket, key, tags);
        var changed = await ctx.Engine.PutObjectTagsAsync(bucket, key, versionId, tags);
        WriteVersion(ctx, bucket, changed);
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var changed = await ctx.Engine.PutObjectTagsAsync(bucket, ctx.S3.RequireKey(), VersionOf(ctx), TagSet.Empty);
        WriteVersion(ctx, bucket, changed);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static VersionId? VersionOf(S3Context ctx) => ctx.S3.QueryValue("versionId") is { } text ? VersionId.Parse(text) : null;

    private static void WriteVersion(S3Context ctx, BucketName bucket, VersionId versionId) =>
        ObjectResponse.WriteVersionId(ctx.Response, ctx.Engine.GetBucket(bucket), versionId);
}
