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
        var partText = ctx.S3.QueryValue("partNumber");
        int? partNumber = partText is null ? null : Multipart.PartNumber(partText);
        if (partNumber is not null && ctx.Request.Headers.Range.Count > 0)
        {
            S3Fail.With(StrataError.InvalidRequest, "Cannot specify both Range header and partNumber query parameter");
        }
        var isHead = HttpMethods.IsHead(ctx.Request.Method);

        try
        {
            await ServeAsync(ctx, bucketName, key, versionId, partNumber, isHead);
        }
        catch (Engine.Scrub.DamagedContentException damage)
        {
            await DamagedBodies.RefuseAsync(ctx, bucketName, damage, damage.AlreadyRecorded);
        }
    }

    private static async Task ServeAsync(S3Context ctx, BucketName bucketName, ObjectKey key, VersionId? versionId, int? partNumber, bool isHead)
    {
        // A version removed between lookup and open (overwrite of an unversioned key) is looked up again:
        // the read then happens after the write, which is what strong consistency allows.
        for (var attempt = 0; ; attempt++)
        {
            var (bucket, version, acl, replicationStatus) = ctx.Engine.FindVersionWithAcl(bucketName, key, versionId);
            var found = Check(version, versionId);
            ctx.Authorizer.CheckObjectOwner(ctx.Principal, bucketName, acl, Core.Acls.AclPermission.Read);
            var preconditions = HttpValues.ReadPreconditions(ctx.Request);
            switch (preconditions.Evaluate(found.ETag, found.LastModified))
            {
                case PreconditionOutcome.NotModified:
                    throw Unmet(StrataError.NotModified, found);
                case PreconditionOutcome.PreconditionFailed:
                    throw Unmet(StrataError.PreconditionFailed, found);
            }
            Checksum? partChecksum = null;
            var range = partNumber is { } n ? PartRange(ctx, found, n, out partChecksum) : ByteRange.Parse(ctx.Request.Headers.Range, found.Size);
            var checksumMode = string.Equals(ctx.Request.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase);
            // A version found damaged is refused before anything is sent; a HEAD checks an inline body too (a GET's open does).
            ctx.Engine.CheckIntact(found, checkInline: isHead);
            var content = isHead ? Stream.Null : ctx.Engine.OpenContent(found);
            if (content is null && attempt < 3) continue;
            if (content is null) throw S3Fail.Exception(StrataError.InternalError, "object content vanished");
            await using (content)
            {
                ObjectResponse.WriteHeaders(ctx.Response, bucket, found, ctx.Request.Query);
                ObjectLockHeaders.Write(ctx, found);
                ReplicationHeaders.WriteStatus(ctx, replicationStatus);
                if (versionId is null) ExpirationHeader.Write(ctx, bucketName, key, found.Size, found.Tags, found.LastModified);
                if (range is { } r)
                {
                    ctx.Response.StatusCode = StatusCodes.Status206PartialContent;
                    ctx.Response.Headers.ContentRange = $"bytes {r.First}-{r.Last}/{found.Size}";
                    ctx.Response.ContentLength = r.Length;
                }
                else
                {
                    ctx.Response.ContentLength = found.Size;
                }
                // S3 sends the checksum of what it sends: the whole object's, or with ?partNumber=N that part's
                // (with the object's type); a byte range has none.
                if (checksumMode && found.Checksum is { } checksum && (partNumber is not null ? partChecksum is not null : range is null))
                {
                    ObjectResponse.WriteChecksum(ctx.Response, partNumber is null || found.PartsCount == 0 ? checksum : partChecksum, checksum.Type);
                }
                if (isHead) return;
                await ObjectResponse.CopyAsync(content, ctx.Response, range?.First ?? 0, range?.Length ?? found.Size, ctx.Aborted);
                return;
            }
        }
    }

    // S3: a 304 or 412 still names the version it compared against (the error response starts from clean headers).
    private static StrataException Unmet(StrataError error, ObjectVersion version) => new(error, S3Fail.DefaultMessage(error))
    {
        Headers = [new("ETag", version.ETag), new("Last-Modified", HttpValues.HttpDate(version.LastModified))],
    };

    /// <summary>GET ?partNumber=N: that part's bytes, with the object's part count (1 for an object not uploaded in parts).</summary>
    private static ByteRange? PartRange(S3Context ctx, ObjectVersion version, int partNumber, out Checksum? checksum)
    {
        var parts = ctx.Engine.ObjectParts(version);
        if (version.PartsCount > 0) ctx.Response.Headers["x-amz-mp-parts-count"] = version.PartsCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // S3 answers a part beyond the object's last (any but 1 for an object not uploaded in parts) 400 InvalidPart.
        if (partNumber > parts.Count)
        {
            throw S3Fail.Exception(StrataError.InvalidPart, $"The requested part number is not satisfiable: the object has {parts.Count} part(s).");
        }
        var part = parts[partNumber - 1];
        checksum = part.Checksum;
        if (part.Size == 0) return null; // an empty object has no byte range to name
        return new ByteRange(part.Offset, part.Offset + part.Size - 1);
    }

    /// <summary>
    /// S3: no version → NoSuchKey or NoSuchVersion; a delete marker on top → 404 NoSuchKey with
    /// x-amz-delete-marker; a delete marker asked for by id → 405 MethodNotAllowed.
    /// </summary>
    internal static ObjectVersion Check(ObjectVersion? version, VersionId? requested)
    {
        if (version is null)
        {
            if (requested is not null) throw S3Fail.Exception(StrataError.NoSuchVersion);
            // S3 says outright that no delete marker hides the key (ceph/s3-tests' test_delete_marker_nonversioned).
            throw new StrataException(StrataError.NoSuchKey, S3Fail.DefaultMessage(StrataError.NoSuchKey)) { Headers = [new("x-amz-delete-marker", "false")] };
        }
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
