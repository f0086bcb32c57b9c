using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Objects;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>GetObject and HeadObject: versionId, Range, conditional headers, response-* overrides.</summary>
internal static class GetObject
{
    public static async Task HandleAsync(S3Context ctx)
    {
        var bucketName = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var versionText = ctx.S3.QueryValue("versionId");
        VersionId? versionId = versionText is null ? null : VersionId.Parse(versionText);
        if (ctx.S3.QueryValue("partNumber") is not null)
        {
            S3Fail.With(StrataError.NotImplemented, "GetObject with partNumber arrives with multipart upload.");
        }
        var isHead = HttpMethods.IsHead(ctx.Request.Method);

        // A version removed between lookup and open (overwrite of an unversioned key) is looked up again:
        // the read then happens after the write, which is what strong consistency allows.
        for (var attempt = 0; ; attempt++)
        {
            var (bucket, version) = ctx.Engine.FindVersion(bucketName, key, versionId);
            var found = Check(version, versionId);
            var preconditions = HttpValues.ReadPreconditions(ctx.Request);
            switch (preconditions.Evaluate(found.ETag, found.LastModified))
            {
                case PreconditionOutcome.NotModified:
                    ctx.Response.Headers.ETag = found.ETag;
                    ctx.Response.Headers.LastModified = HttpValues.HttpDate(found.LastModified);
                    throw S3Fail.Exception(StrataError.NotModified);
                case PreconditionOutcome.PreconditionFailed:
                    throw S3Fail.Exception(StrataError.PreconditionFailed);
            }
            var range = ByteRange.Parse(ctx.Request.Headers.Range, found.Size);
            var content = isHead ? Stream.Null : ctx.Engine.OpenContent(found);
            if (content is null && attempt < 3) continue;
            if (content is null) throw S3Fail.Exception(StrataError.InternalError, "object content vanished");
            await using (content)
            {
                ObjectResponse.WriteHeaders(ctx.Response, bucket, found, ctx.Request.Query);
                if (range is { } r)
                {
                    ctx.Response.StatusCode = StatusCodes.Status206PartialContent;
                    ctx.Response.Headers.ContentRange = $"bytes {r.First}-{r.Last}/{found.Size}";
                    ctx.Response.ContentLength = r.Length;
                }
                else
                {
                    ctx.Response.ContentLength = found.Size;
                    if (string.Equals(ctx.Request.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
                    {
                        ObjectResponse.WriteChecksum(ctx.Response, found.Checksum);
                    }
                }
                if (isHead) return;
                await ObjectResponse.CopyAsync(content, ctx.Response, range?.First ?? 0, range?.Length ?? found.Size, ctx.Aborted);
                return;
            }
        }
    }

    /// <summary>
    /// S3: no version → NoSuchKey or NoSuchVersion; a delete marker on top → 404 NoSuchKey with
    /// x-amz-delete-marker; a delete marker asked for by id → 405 MethodNotAllowed.
    /// </summary>
    internal static ObjectVersion Check(ObjectVersion? version, VersionId? requested)
    {
        if (version is null) throw S3Fail.Exception(requested is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
        if (!version.IsDeleteMarker) return version;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("x-amz-delete-marker", "true"),
            new("x-amz-version-id", version.VersionId.Value),
        };
        if (requested is null) throw new StrataException(StrataError.NoSuchKey, S3Fail.DefaultMessage(StrataError.NoSuchKey)) { Headers = headers };
        headers.Add(new("Allow", "DELETE"));
        headers.Add(new("Last-Modified", HttpValues.HttpDate(version.LastModified)));
        throw new StrataException(StrataError.MethodNotAllowed, S3Fail.DefaultMessage(StrataError.MethodNotAllowed)) { Headers = headers };
    }
}
