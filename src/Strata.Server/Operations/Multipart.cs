using System.Globalization;
using Strata.Core;
using Strata.Engine.Multipart;
using Strata.Engine.Objects;
using Strata.Server.Body;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload.</summary>
internal static class Multipart
{
    public static async Task CreateAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var algorithm = ChecksumAlgorithmOf(ctx.Request.Header("x-amz-checksum-algorithm"));
        var type = MultipartChecksum.TypeFor(algorithm, ctx.Request.Header("x-amz-checksum-type"));
        var algorithmName = algorithm is { } a ? PayloadChecksum.Name(a) : null;
        var objectLock = ObjectLockHeaders.Read(ctx, needsIntegrity: false);
        // The completed object gets the upload's ACL and tags.
        var acl = AclHeaders.ForObjectWrite(ctx, bucket, AclHeaders.Read(ctx.Request));
        var upload = await ctx.Engine.CreateMultipartUploadAsync(bucket, key, ObjectHeaderReader.Read(ctx.Request), algorithmName, type, objectLock, acl,
            PutObject.RequestTags(ctx.Request));
        if (algorithmName is not null)
        {
            ctx.Response.Headers["x-amz-checksum-algorithm"] = algorithmName;
            ctx.Response.Headers["x-amz-checksum-type"] = type;
        }
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "InitiateMultipartUploadResult", S3Xml.Namespace);
        await xml.ElementAsync("Bucket", bucket.Value);
        await xml.ElementAsync("Key", key.Value);
        await xml.ElementAsync("UploadId", upload.UploadId);
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    internal static ChecksumAlgorithm? ChecksumAlgorithmOf(string? header)
    {
        if (header is null) return null;
        if (PayloadChecksum.TryParseName(header, out var algorithm)) return algorithm;
        throw S3Fail.Exception(StrataError.InvalidRequest, "Checksum algorithm provided is unsupported.");
    }

    public static int PartNumber(string? text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MultipartLimits.MaxPartNumber)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive");
        }
        return n;
    }

    public static async Task UploadPartAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var partNumber = PartNumber(ctx.S3.QueryValue("partNumber"));
        var uploadId = ctx.S3.QueryValue("uploadId")!;
        var length = ctx.Caller.PayloadLength ?? ctx.Request.ContentLength;
        if (length is null) S3Fail.With(StrataError.MissingContentLength);
        if (length > MultipartLimits.MaxPartSize) S3Fail.With(StrataError.EntityTooLarge);
        var expectedMd5 = PutObject.ContentMd5(ctx.Request.Header("Content-MD5"));
        var upload = ctx.Engine.GetUpload(bucket, key, uploadId); // NoSuchUpload before the body is read

        await using var draft = ctx.Engine.CreateDraft();
        await draft.WriteFromAsync(ctx.Caller.Payload, ctx.Aborted, PutObject.BodyPace);
        if (draft.Length != length) S3Fail.With(StrataError.IncompleteBody);
        var checksum = ctx.Caller.Checksum() is { } c ? new Checksum(c.Algorithm, c.Value) : null;
        // S3: an upload created with a checksum algorithm takes parts checksummed with that algorithm only.
        if (checksum is not null && upload.ChecksumAlgorithm is { } expected && checksum.Algorithm != expected)
        {
            S3Fail.With(StrataError.InvalidRequest,
                $"Checksum Type mismatch occurred, expected checksum Type: {expected.ToLowerInvariant()}, actual checksum Type: {checksum.Algorithm.ToLowerInvariant()}");
        }
        var part = await ctx.Engine.UploadPartAsync(bucket, key, uploadId, partNumber, draft, expectedMd5, checksum, ctx.Aborted);
        ctx.Response.Headers.ETag = part.ETag;
        ObjectResponse.WriteChecksum(ctx.Response, checksum);
    }

    public static async Task UploadPartCopyAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var partNumber = PartNumber(ctx.S3.QueryValue("partNumber"));
        var uploadId = ctx.S3.QueryValue("uploadId")!;
        var upload = ctx.Engine.GetUpload(bucket, key, uploadId);
        var (sourceBucket, found) = CopyObject.FindSource(ctx, out var source);
        var (first, count) = SourceRange(ctx.Request.Header("x-amz-copy-source-range"), found.Size);
        if (count > MultipartLimits.MaxPartSize) S3Fail.With(StrataError.EntityTooLarge);

        var content = ctx.Engine.OpenContent(found) ?? throw S3Fail.Exception(source.VersionId is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
        PartInfo part;
        await using (content)
        {
            if (first > 0) content.Seek(first, SeekOrigin.Begin);
            await using var draft = ctx.Engine.CreateDraft();
            // S3 computes the part's checksum of the upload's algorithm from the copied bytes.
            Stream input = new BoundedStream(content, count);
            ChecksummingStream? summed = null;
            if (PayloadChecksum.TryParseName(upload.ChecksumAlgorithm, out var algorithm)) input = summed = new ChecksummingStream(input, algorithm);
            await using (input)
            {
                await draft.WriteFromAsync(input, ctx.Aborted);
                var checksum = summed is null ? null : new Checksum(PayloadChecksum.Name(summed.Algorithm), summed.ComputeBase64());
                part = await ctx.Engine.UploadPartAsync(bucket, key, uploadId, partNumber, draft, expectedMd5: null, checksum, ctx.Aborted);
            }
        }
        CopyObject.WriteSourceVersion(ctx, sourceBucket, found);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "CopyPartResult", S3Xml.Namespace);
        await xml.ElementAsync("LastModified", S3Xml.Timestamp(part.LastModified));
        await xml.ElementAsync("ETag", part.ETag);
        if (part.Checksum is { } partChecksum) await xml.ElementAsync("Checksum" + partChecksum.Algorithm, partChecksum.Value);
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>x-amz-copy-source-range: "bytes=first-last" within the source; absent means the whole source.</summary>
    private static (long First, long Count) SourceRange(string? header, long size)
    {
        if (header is null) return (0, size);
        var spec = header.Trim();
        var dash = spec.IndexOf('-');
        if (!spec.StartsWith("bytes=", StringComparison.Ordinal) || dash < 0
            || !long.TryParse(spec[6..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(spec[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last < first)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy");
        }
        if (last >= size) throw S3Fail.Exception(StrataError.InvalidRange, $"Range specified is not valid for source object of size: {size}");
        return (first, last - first + 1);
    }

    public static async Task CompleteAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var uploadId = ctx.S3.QueryValue("uploadId")!;
        if (ctx.Request.ContentLength > S3Xml.MaxRequestBytes) S3Fail.With(StrataError.MalformedXML);
        var conditions = HttpValues.ReadWriteConditions(ctx.Request);
        var parts = await CompleteRequestReader.ReadAsync(ctx.Caller.Payload);
        var rule = new ChecksumRule(MultipartChecksum.Compose, ExpectedChecksum(ctx.Request), ctx.Request.Header("x-amz-checksum-type")?.Trim().ToUpperInvariant());
        var result = await ctx.Engine.CompleteMultipartUploadAsync(bucket, key, uploadId, parts, rule, conditions,
            ReplicationHeaders.IsReplicaWrite(ctx));

        // S3 names the version only where versioning is Enabled: a null version (Suspended) is sent without the header.
        if (result.Put.Versioning == VersioningState.Enabled) ctx.Response.Headers["x-amz-version-id"] = result.Put.VersionId.Value;
        ExpirationHeader.Write(ctx, bucket, key, result.Size, result.Tags, result.Put.LastModified);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "CompleteMultipartUploadResult", S3Xml.Namespace);
        await xml.ElementAsync("Location", $"/{bucket.Value}/{Uri.EscapeDataString(key.Value)}");
        await xml.ElementAsync("Bucket", bucket.Value);
        await xml.ElementAsync("Key", key.Value);
        await xml.ElementAsync("ETag", result.Put.ETag);
        if (result.Checksum is { } checksum)
        {
            await xml.ElementAsync("Checksum" + checksum.Algorithm, checksum.Value);
            await xml.ElementAsync("ChecksumType", checksum.Type);
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>CompleteMultipartUpload's x-amz-checksum-* header: the checksum the client expects of the whole object.</summary>
    private static Checksum? ExpectedChecksum(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        foreach (var algorithm in PayloadChecksum.All)
        {
            if (request.Header(PayloadChecksum.HeaderName(algorithm)) is { } value) return new Checksum(PayloadChecksum.Name(algorithm), value.Trim());
        }
        return null;
    }

    public static async Task AbortAsync(S3Context ctx)
    {
        await ctx.Engine.AbortMultipartUploadAsync(ctx.S3.RequireBucket(), ctx.S3.RequireKey(), ctx.S3.QueryValue("uploadId")!);
        ctx.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status204NoContent;
    }
}
