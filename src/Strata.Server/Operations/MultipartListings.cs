using System.Globalization;
using System.Xml;
using Strata.Core;
using Strata.Core.Acls;
using Strata.Engine.Multipart;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>ListParts and ListMultipartUploads.</summary>
internal static class MultipartListings
{
    public static async Task ListPartsAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var uploadId = ctx.S3.QueryValue("uploadId")!;
        var maxParts = HttpValues.MaxKeys(ctx.S3.QueryValue("max-parts"), "max-parts");
        var markerText = ctx.S3.QueryValue("part-number-marker");
        var marker = 0;
        if (!string.IsNullOrEmpty(markerText) && !int.TryParse(markerText, NumberStyles.None, CultureInfo.InvariantCulture, out marker))
        {
            S3Fail.With(StrataError.InvalidArgument, "Provided part-number-marker not an integer or within integer range");
        }
        var (upload, parts) = ctx.Engine.ListParts(bucket, key, uploadId, marker, maxParts + 1);
        var truncated = parts.Count > maxParts;
        if (truncated) parts.RemoveAt(parts.Count - 1);

        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "ListPartsResult", S3Xml.Namespace);
        await xml.ElementAsync("Bucket", bucket.Value);
        await xml.ElementAsync("Key", key.Value);
        await xml.ElementAsync("UploadId", uploadId);
        await WriteOwnersAsync(ctx, xml, upload);
        await xml.ElementAsync("StorageClass", "STANDARD");
        await xml.ElementAsync("PartNumberMarker", marker.ToString(CultureInfo.InvariantCulture));
        if (parts.Count > 0) await xml.ElementAsync("NextPartNumberMarker", parts[^1].PartNumber.ToString(CultureInfo.InvariantCulture));
        await xml.ElementAsync("MaxParts", maxParts.ToString(CultureInfo.InvariantCulture));
        await xml.ElementAsync("IsTruncated", truncated ? "true" : "false");
        if (upload.ChecksumAlgorithm is not null) await xml.ElementAsync("ChecksumAlgorithm", upload.ChecksumAlgorithm);
        if (upload.ChecksumType is not null) await xml.ElementAsync("ChecksumType", upload.ChecksumType);
        foreach (var part in parts)
        {
            await xml.WriteStartElementAsync(null, "Part", null);
            await xml.ElementAsync("PartNumber", part.PartNumber.ToString(CultureInfo.InvariantCulture));
            await xml.ElementAsync("LastModified", S3Xml.Timestamp(part.LastModified));
            await xml.ElementAsync("ETag", part.ETag);
            await xml.ElementAsync("Size", part.Size.ToString(CultureInfo.InvariantCulture));
            if (part.Checksum is { } checksum) await xml.ElementAsync("Checksum" + checksum.Algorithm, checksum.Value);
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task ListUploadsAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var prefix = ctx.S3.QueryValue("prefix") ?? "";
        var delimiter = ListObjects.NullIfEmpty(ctx.S3.QueryValue("delimiter"));
        var keyMarker = ListObjects.NullIfEmpty(ctx.S3.QueryValue("key-marker"));
        var uploadIdMarker = ListObjects.NullIfEmpty(ctx.S3.QueryValue("upload-id-marker"));
        var maxUploads = HttpValues.MaxKeys(ctx.S3.QueryValue("max-uploads"), "max-uploads");
        var url = HttpValues.UrlEncoding(ctx.S3.QueryValue("encoding-type"));
        var page = ctx.Engine.ListMultipartUploads(bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads);

        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "ListMultipartUploadsResult", S3Xml.Namespace);
        await xml.ElementAsync("Bucket", bucket.Value);
        await xml.ElementAsync("KeyMarker", ListObjects.Encode(keyMarker ?? "", url));
        await xml.ElementAsync("UploadIdMarker", uploadIdMarker ?? "");
        if (page.IsTruncated && page.LastKey is not null)
        {
            await xml.ElementAsync("NextKeyMarker", ListObjects.Encode(page.LastKey, url));
            if (page.Entries.Count > 0 && page.Entries[^1].Key.Value == page.LastKey) await xml.ElementAsync("NextUploadIdMarker", page.Entries[^1].UploadId);
        }
        await xml.ElementAsync("Prefix", ListObjects.Encode(prefix, url));
        if (delimiter is not null) await xml.ElementAsync("Delimiter", ListObjects.Encode(delimiter, url));
        await xml.ElementAsync("MaxUploads", maxUploads.ToString(CultureInfo.InvariantCulture));
        await xml.ElementAsync("IsTruncated", page.IsTruncated ? "true" : "false");
        if (url) await xml.ElementAsync("EncodingType", "url");
        foreach (var upload in page.Entries)
        {
            await xml.WriteStartElementAsync(null, "Upload", null);
            await xml.ElementAsync("Key", ListObjects.Encode(upload.Key.Value, url));
            await xml.ElementAsync("UploadId", upload.UploadId);
            await WriteOwnersAsync(ctx, xml, upload);
            await xml.ElementAsync("StorageClass", "STANDARD");
            await xml.ElementAsync("Initiated", S3Xml.Timestamp(upload.Initiated));
            if (upload.ChecksumAlgorithm is not null) await xml.ElementAsync("ChecksumAlgorithm", upload.ChecksumAlgorithm);
            await xml.WriteEndElementAsync();
        }
        await ListObjects.WriteCommonPrefixesAsync(xml, page.CommonPrefixes, url);
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>
    /// The upload's Initiator and Owner: its owner's account, the first line of its stored ACL (null: the bucket
    /// owner's). Strata does not keep the initiator apart, so the Initiator is the owner's account too; they differ
    /// only for an upload another account starts with bucket-owner-full-control under BucketOwnerPreferred.
    /// </summary>
    private static async Task WriteOwnersAsync(S3Context ctx, XmlWriter xml, UploadInfo upload)
    {
        var owner = upload.Acl is { } acl && ctx.Authorizer.Identity.Account(StoredAcl.OwnerOf(acl)) is { } account ? account : ctx.BucketOwner;
        await BucketOperations.WriteOwnerAsync(xml, owner, "Initiator");
        await BucketOperations.WriteOwnerAsync(xml, owner);
    }
}
