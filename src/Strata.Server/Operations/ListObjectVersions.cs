using System.Globalization;
using Strata.Core;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>ListObjectVersions: every version and delete marker, by key, newest first.</summary>
internal static class ListObjectVersions
{
    public static async Task HandleAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var prefix = ctx.S3.QueryValue("prefix") ?? "";
        var delimiter = ListObjects.NullIfEmpty(ctx.S3.QueryValue("delimiter"));
        var keyMarker = ListObjects.NullIfEmpty(ctx.S3.QueryValue("key-marker"));
        var versionIdMarkerText = ListObjects.NullIfEmpty(ctx.S3.QueryValue("version-id-marker"));
        var maxKeys = HttpValues.MaxKeys(ctx.S3.QueryValue("max-keys"));
        var url = HttpValues.UrlEncoding(ctx.S3.QueryValue("encoding-type"));
        if (versionIdMarkerText is not null && keyMarker is null)
        {
            S3Fail.With(StrataError.InvalidArgument, "A version-id marker cannot be specified without a key marker.");
        }
        VersionId? versionIdMarker = versionIdMarkerText is null ? null : VersionId.Parse(versionIdMarkerText);
        var page = ctx.Engine.ListObjectVersions(bucket, prefix, delimiter, keyMarker, versionIdMarker, maxKeys);

        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "ListVersionsResult", S3Xml.Namespace);
        await xml.ElementAsync("Name", bucket.Value);
        await xml.ElementAsync("Prefix", ListObjects.Encode(prefix, url));
        await xml.ElementAsync("KeyMarker", ListObjects.Encode(keyMarker ?? "", url));
        await xml.ElementAsync("VersionIdMarker", versionIdMarkerText ?? "");
        if (page.IsTruncated && page.LastKey is not null)
        {
            await xml.ElementAsync("NextKeyMarker", ListObjects.Encode(page.LastKey, url));
            // When the page ends on a common prefix there is no version to resume after.
            if (page.Entries.Count > 0 && page.Entries[^1].Key.Value == page.LastKey)
            {
                await xml.ElementAsync("NextVersionIdMarker", page.Entries[^1].VersionId.Value);
            }
        }
        await xml.ElementAsync("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
        if (delimiter is not null) await xml.ElementAsync("Delimiter", ListObjects.Encode(delimiter, url));
        await xml.ElementAsync("IsTruncated", page.IsTruncated ? "true" : "false");
        if (url) await xml.ElementAsync("EncodingType", "url");
        var owners = new ListingOwners(ctx);
        foreach (var entry in page.Entries)
        {
            await xml.WriteStartElementAsync(null, entry.IsDeleteMarker ? "DeleteMarker" : "Version", null);
            await xml.ElementAsync("Key", ListObjects.Encode(entry.Key.Value, url));
            await xml.ElementAsync("VersionId", entry.VersionId.Value);
            await xml.ElementAsync("IsLatest", entry.IsLatest ? "true" : "false");
            await xml.ElementAsync("LastModified", S3Xml.Timestamp(entry.LastModified));
            if (!entry.IsDeleteMarker)
            {
                await xml.ElementAsync("ETag", entry.ETag);
                await xml.ElementAsync("Size", entry.Size.ToString(CultureInfo.InvariantCulture));
                await xml.ElementAsync("StorageClass", "STANDARD");
            }
            await BucketOperations.WriteOwnerAsync(xml, owners.Of(entry));
            await xml.WriteEndElementAsync();
        }
        await ListObjects.WriteCommonPrefixesAsync(xml, page.CommonPrefixes, url);
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }
}
