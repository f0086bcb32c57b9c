using System.Buffers.Text;
using System.Text;
using System.Xml;
using Strata.Core;
using Strata.Engine.Listing;
using Strata.Engine.Objects;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>ListObjects (v1) and ListObjectsV2: keys whose latest version is an object, in UTF-8 binary order.</summary>
internal static class ListObjects
{
    public static async Task V1Async(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var prefix = ctx.S3.QueryValue("prefix") ?? "";
        var delimiter = NullIfEmpty(ctx.S3.QueryValue("delimiter"));
        var marker = NullIfEmpty(ctx.S3.QueryValue("marker"));
        var maxKeys = HttpValues.MaxKeys(ctx.S3.QueryValue("max-keys"));
        var url = HttpValues.UrlEncoding(ctx.S3.QueryValue("encoding-type"));
        var page = ctx.Engine.ListObjects(bucket, prefix, delimiter, marker, maxKeys);

        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "ListBucketResult", S3Xml.Namespace);
        await xml.ElementAsync("Name", bucket.Value);
        // S3 encodes v1's Marker, NextMarker, Delimiter, keys and common prefixes, but never its Prefix element
        // (the SDKs decode exactly those, and a v1 Prefix as given).
        await xml.ElementAsync("Prefix", prefix);
        await xml.ElementAsync("Marker", Encode(marker ?? "", url));
        await xml.ElementAsync("MaxKeys", maxKeys.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (delimiter is not null) await xml.ElementAsync("Delimiter", Encode(delimiter, url));
        await xml.ElementAsync("IsTruncated", page.IsTruncated ? "true" : "false");
        if (page.IsTruncated && page.LastKey is not null) await xml.ElementAsync("NextMarker", Encode(page.LastKey, url));
        if (url) await xml.ElementAsync("EncodingType", "url");
        await WriteContentsAsync(xml, page, url, new ListingOwners(ctx));
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task V2Async(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var prefix = ctx.S3.QueryValue("prefix") ?? "";
        var delimiter = NullIfEmpty(ctx.S3.QueryValue("delimiter"));
        // An empty continuation-token lists from the start, and is echoed back as given.
        var givenToken = ctx.S3.QueryValue("continuation-token");
        var token = NullIfEmpty(givenToken);
        var startAfter = NullIfEmpty(ctx.S3.QueryValue("start-after"));
        var maxKeys = HttpValues.MaxKeys(ctx.S3.QueryValue("max-keys"));
        var url = HttpValues.UrlEncoding(ctx.S3.QueryValue("encoding-type"));
        var fetchOwner = ctx.S3.QueryValue("fetch-owner") == "true";
        var after = token is not null ? DecodeToken(token) : startAfter;
        var page = ctx.Engine.ListObjects(bucket, prefix, delimiter, after, maxKeys);

        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "ListBucketResult", S3Xml.Namespace);
        await xml.ElementAsync("Name", bucket.Value);
        await xml.ElementAsync("Prefix", Encode(prefix, url));
        if (startAfter is not null) await xml.ElementAsync("StartAfter", Encode(startAfter, url));
        if (givenToken is not null) await xml.ElementAsync("ContinuationToken", givenToken);
        if (page.IsTruncated && page.LastKey is not null) await xml.ElementAsync("NextContinuationToken", EncodeToken(page.LastKey));
        await xml.ElementAsync("KeyCount", (page.Entries.Count + page.CommonPrefixes.Count).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await xml.ElementAsync("MaxKeys", maxKeys.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (delimiter is not null) await xml.ElementAsync("Delimiter", Encode(delimiter, url));
        await xml.ElementAsync("IsTruncated", page.IsTruncated ? "true" : "false");
        if (url) await xml.ElementAsync("EncodingType", "url");
        await WriteContentsAsync(xml, page, url, fetchOwner ? new ListingOwners(ctx) : null);
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    private static async Task WriteContentsAsync(XmlWriter xml, ListPage<ObjectVersion> page, bool url, ListingOwners? owners)
    {
        foreach (var entry in page.Entries)
        {
            await xml.WriteStartElementAsync(null, "Contents", null);
            await xml.ElementAsync("Key", Encode(entry.Key.Value, url));
            await xml.ElementAsync("LastModified", S3Xml.Timestamp(entry.LastModified));
            await xml.ElementAsync("ETag", entry.ETag);
            await xml.ElementAsync("Size", entry.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (owners is not null) await BucketOperations.WriteOwnerAsync(xml, owners.Of(entry));
            await xml.ElementAsync("StorageClass", "STANDARD");
            await xml.WriteEndElementAsync();
        }
        await WriteCommonPrefixesAsync(xml, page.CommonPrefixes, url);
    }

    public static async Task WriteCommonPrefixesAsync(XmlWriter xml, List<string> prefixes, bool url)
    {
        foreach (var prefix in prefixes)
        {
            await xml.WriteStartElementAsync(null, "CommonPrefixes", null);
            await xml.ElementAsync("Prefix", Encode(prefix, url));
            await xml.WriteEndElementAsync();
        }
    }

    public static string Encode(string value, bool url) => url ? HttpValues.UrlEncode(value) : value;

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // The continuation token is opaque to clients: the last key returned, base64url-encoded.
    private static string EncodeToken(string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    private static string DecodeToken(string token)
    {
        try
        {
            return ObjectKey.StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, "The continuation token provided is incorrect");
        }
    }
}
