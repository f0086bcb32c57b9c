using System.Security.Cryptography;
using Strata.Core;
using Strata.Engine.Objects;
using Strata.Server.Body;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>PutObject: the body streams into a draft, then one commit pushes it on the key's version stack.</summary>
internal static class PutObject
{
    /// <summary>
    /// A body must bring Kestrel's minimum of 240 B/s in every 20 s window (S3 answers RequestTimeout to a
    /// stalled socket after about 20 s); a stall or a trickle after a burst is given up.
    /// </summary>
    internal static readonly Engine.Blobs.BodyPace BodyPace = new(TimeSpan.FromSeconds(20), 240 * 20);

    /// <summary>S3's largest single PUT: 5 GiB.</summary>
    public const long MaxObjectSize = 5L * 1024 * 1024 * 1024;

    public static async Task HandleAsync(S3Context ctx)
    {
        var bucketName = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var length = ctx.Caller.PayloadLength ?? ctx.Request.ContentLength;
        // S3 takes a body sent with HTTP chunked transfer encoding, whose length shows only at its end.
        var chunked = length is null && ctx.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
        if (length is null && !chunked) S3Fail.With(StrataError.MissingContentLength);
        if (length > MaxObjectSize) S3Fail.With(StrataError.EntityTooLarge);
        var expectedMd5 = ContentMd5(ctx.Request.Header("Content-MD5"));
        var headers = ObjectHeaderReader.Read(ctx.Request);
        var conditions = HttpValues.ReadWriteConditions(ctx.Request);
        var tags = RequestTags(ctx.Request);
        var objectLock = ObjectLockHeaders.Read(ctx, needsIntegrity: true);
        ctx.Engine.GetBucket(bucketName); // fail fast, before reading the body
        var acl = AclHeaders.ForObjectWrite(ctx, bucketName, AclHeaders.Read(ctx.Request));

        await using var draft = ctx.Engine.CreateDraft();
        var body = chunked ? new BoundedBodyStream(ctx.Caller.Payload, MaxObjectSize, checksum: null) : ctx.Caller.Payload;
        await draft.WriteFromAsync(body, ctx.Aborted, BodyPace);
        if (length is not null && draft.Length != length) S3Fail.With(StrataError.IncompleteBody);
        var checksum = ctx.Caller.Checksum() is { } c ? new Checksum(c.Algorithm, c.Value) : null;
        var command = new PutObjectCommand(bucketName, key, headers, checksum, conditions, objectLock) { Acl = acl, Tags = tags, IsReplica = ReplicationHeaders.IsReplicaWrite(ctx) };
        var result = await ctx.Engine.PutObjectAsync(command, draft, expectedMd5, ctx.Aborted);

        ctx.Response.Headers.ETag = result.ETag;
        // S3 names the version only where versioning is Enabled: a null version (Suspended) is sent without the header.
        if (result.Versioning == VersioningState.Enabled) ctx.Response.Headers["x-amz-version-id"] = result.VersionId.Value;
        ObjectResponse.WriteChecksum(ctx.Response, checksum, checksum?.Type);
        ExpirationHeader.Write(ctx, bucketName, key, draft.Length, tags, result.LastModified);
    }

    /// <summary>x-amz-tagging (PutObject, CopyObject with REPLACE, CreateMultipartUpload): the new object's tags; none without it.</summary>
    public static Core.Tagging.TagSet RequestTags(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.Header("x-amz-tagging") is { } header ? Core.Tagging.TagSet.ParseHeader(header) : Core.Tagging.TagSet.Empty;

    /// <summary>Content-MD5 must be the base64 of 16 bytes (InvalidDigest); it is compared with the body's MD5 (BadDigest).</summary>
    public static byte[]? ContentMd5(string? header)
    {
        if (header is null) return null;
        var bytes = new byte[16];
        if (!Convert.TryFromBase64String(header.Trim(), bytes, out var written) || written != MD5.HashSizeInBytes)
        {
            throw S3Fail.Exception(StrataError.InvalidDigest);
        }
        return bytes;
    }
}
