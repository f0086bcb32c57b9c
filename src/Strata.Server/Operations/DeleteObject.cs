using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Objects;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// DeleteObject: a delete marker, the null version's removal, or (with versionId) a version removed for good; with If-Match,
/// only when the current version matches (<see cref="ConditionalDeletes"/>).
/// </summary>
internal static class DeleteObject
{
    public static async Task HandleAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var versionText = ctx.S3.QueryValue("versionId");
        VersionId? versionId = versionText is null ? null : VersionId.Parse(versionText);
        var ifMatch = ConditionalDeletes.IfMatch(ctx, bucket, key, ctx.Request.Header("If-Match"), versionId);
        var bypass = versionId is not null && ObjectLockHeaders.Bypass(ctx, key);
        var result = await ctx.Engine.DeleteObjectAsync(new DeleteObjectCommand(bucket, key, versionId, ctx.MfaVerified, bypass)
        {
            IsReplica = versionId is null && ReplicationHeaders.IsReplicaWrite(ctx),
            IfMatch = ifMatch,
        });
        if (result.VersionId is { } id) ctx.Response.Headers["x-amz-version-id"] = id.Value;
        if (result.IsDeleteMarker) ctx.Response.Headers["x-amz-delete-marker"] = "true";
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
