using Strata.Core;
using Strata.Core.Tagging;
using Strata.Engine.Objects;
using Strata.Server.Body;
using Strata.Server.Hosting;
using Strata.Server.Routing;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>CopyObject: a server-side copy of an object or of one of its versions, within or across buckets.</summary>
internal static class CopyObject
{
    public static async Task HandleAsync(S3Context ctx)
    {
        var bucketName = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var directive = ctx.Request.Header("x-amz-metadata-directive") ?? "COPY";
        if (directive is not ("COPY" or "REPLACE")) S3Fail.With(StrataError.InvalidArgument, "Unknown metadata directive.");
        var taggingDirective = ctx.Request.Header("x-amz-tagging-directive") ?? "COPY";
        if (taggingDirective is not ("COPY" or "REPLACE")) S3Fail.With(StrataError.InvalidArgument, "Unknown tagging directive.");
        var conditions = HttpValues.ReadWriteConditions(ctx.Request);
        // S3: the copy gets the lock its request asks for (or the bucket's default), never the source's.
        var objectLock = ObjectLockHeaders.Read(ctx, needsIntegrity: false);
        ctx.Engine.GetBucket(bucketName);
        // S3: the copy gets the request's ACL (private when it names none), never the source's.
        var acl = AclHeaders.ForObjectWrite(ctx, bucketName, AclHeaders.Read(ctx.Request));
        var (sourceBucket, found) = FindSource(ctx, out var source);
        // S3: a single copy takes at most 5 GiB; larger objects are copied part by part with UploadPartCopy.
        if (found.Size > PutObject.MaxObjectSize)
        {
            S3Fail.With(StrataError.InvalidRequest, $"The specified copy source is larger than the maximum allowable size for a copy source: {PutObject.MaxObjectSize}");
        }
        // S3 refuses a copy onto itself that changes nothing; a copy of an older version is a restore and is allowed.
        if (source.Bucket == bucketName && source.Key == key && source.VersionId is null && directive == "COPY")
        {
            S3Fail.With(StrataError.InvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        var headers = directive == "REPLACE" ? ObjectHeaderReader.Read(ctx.Request) : found.Headers;
        var requested = Multipart.ChecksumAlgorithmOf(ctx.Request.Header("x-amz-checksum-algorithm"));
        var content = ctx.Engine.OpenContent(found) ?? throw S3Fail.Exception(source.VersionId is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
        PutObjectResult result;
        Checksum? checksum;
        TagSet tags;
        await using (content)
        {
            await using var draft = ctx.Engine.CreateDraft();
            var summed = ChecksumToCompute(requested, found.Checksum) is { } algorithm ? new ChecksummingStream(content, algorithm) : null;
            await using (summed)
            {
                await draft.WriteFromAsync(summed ?? content, ctx.Aborted);
                checksum = summed is null ? found.Checksum : new Checksum(PayloadChecksum.Name(summed.Algorithm), summed.ComputeBase64());
            }
            // S3: x-amz-tagging-directive COPY (the default) gives the copy the source version's tags, REPLACE those of x-amz-tagging.
            tags = taggingDirective == "REPLACE" ? PutObject.RequestTags(ctx.Request) : found.Tags;
            var command = new PutObjectCommand(bucketName, key, headers, checksum, conditions, objectLock) { Acl = acl, Tags = tags };
            result = await ctx.Engine.PutObjectAsync(command, draft, expectedMd5: null, ctx.Aborted);
        }

        // S3 names the version only where versioning is Enabled: a null version (Suspended) is sent without the header.
        if (result.Versioning == VersioningState.Enabled) ctx.Response.Headers["x-amz-version-id"] = result.VersionId.Value;
        WriteSourceVersion(ctx, sourceBucket, found);
        ExpirationHeader.Write(ctx, bucketName, key, found.Size, tags, result.LastModified);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "CopyObjectResult", S3Xml.Namespace);
        await xml.ElementAsync("LastModified", S3Xml.Timestamp(result.LastModified));
        await xml.ElementAsync("ETag", result.ETag);
        if (checksum is not null)
        {
            await xml.ElementAsync("Checksum" + checksum.Algorithm, checksum.Value);
            await xml.ElementAsync("ChecksumType", checksum.Type);
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>
    /// The algorithm S3 computes while copying: the one x-amz-checksum-algorithm asks for, or the source's own when
    /// its value is a multipart composite (the copy is one part, which a composite no longer describes); null when
    /// the source's full-object checksum, if any, is kept as it is.
    /// </summary>
    private static ChecksumAlgorithm? ChecksumToCompute(ChecksumAlgorithm? requested, Checksum? source)
    {
        if (requested is not null) return requested;
        if (source is { Type: Checksum.Composite } && PayloadChecksum.TryParseName(source.Algorithm, out var algorithm)) return algorithm;
        return null;
    }

    /// <summary>
    /// The version x-amz-copy-source names, after the x-amz-copy-source-if-* conditions: a delete marker
    /// on top is NoSuchKey, one named by version id InvalidRequest, as S3 answers.
    /// </summary>
    public static (BucketInfo Bucket, ObjectVersion Version) FindSource(S3Context ctx, out CopySource source)
    {
        source = CopySource.Parse(ctx.Request.Header("x-amz-copy-source")!);
        ctx.Require(source.VersionId is null ? "s3:GetObject" : "s3:GetObjectVersion", source.Bucket, source.Key, source.VersionId);
        var (sourceBucket, found, sourceAcl, _) = ctx.Engine.FindVersionWithAcl(source.Bucket, source.Key, source.VersionId);
        if (found is { IsDeleteMarker: true } && source.VersionId is not null)
        {
            S3Fail.With(StrataError.InvalidRequest, "The source of a copy request may not specifically refer to a delete marker by version id.");
        }
        if (found is null || found.IsDeleteMarker) throw S3Fail.Exception(source.VersionId is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
        ctx.Authorizer.CheckObjectOwner(ctx.Principal, source.Bucket, sourceAcl, Core.Acls.AclPermission.Read);
        if (HttpValues.ReadPreconditions(ctx.Request, "x-amz-copy-source-").EvaluateForCopySource(found.ETag, found.LastModified) != PreconditionOutcome.Proceed)
        {
            S3Fail.With(StrataError.PreconditionFailed);
        }
        return (sourceBucket, found);
    }

    public static void WriteSourceVersion(S3Context ctx, BucketInfo sourceBucket, ObjectVersion found)
    {
        if (sourceBucket.Versioning != VersioningState.Unversioned || !found.VersionId.IsNull)
        {
            ctx.Response.Headers["x-amz-copy-source-version-id"] = found.VersionId.Value;
        }
    }
}

/// <summary>x-amz-copy-source: "[/]bucket/key[?versionId=id]", URL-encoded.</summary>
internal sealed record CopySource(BucketName Bucket, ObjectKey Key, VersionId? VersionId)
{
    public static CopySource Parse(string header)
    {
        var text = header.Trim();
        VersionId? versionId = null;
        var query = text.IndexOf('?');
        if (query >= 0)
        {
            var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text[query..]);
            if (parameters.TryGetValue("versionId", out var v)) versionId = Core.VersionId.Parse(v.ToString());
            text = text[..query];
        }
        text = S3Request.PercentDecode(text.TrimStart('/'));
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1) throw S3Fail.Exception(StrataError.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        if (!BucketName.TryParse(text[..slash], out var bucket)) throw S3Fail.Exception(StrataError.InvalidBucketName);
        if (!ObjectKey.TryParse(text[(slash + 1)..], out var key, out var error)) throw S3Fail.Exception(error);
        return new CopySource(bucket, key, versionId);
    }
}
