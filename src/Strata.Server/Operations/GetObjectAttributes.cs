using System.Globalization;
using System.Xml;
using Strata.Core;
using Strata.Engine.Multipart;
using Strata.Engine.Objects;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetObjectAttributes: the attributes x-amz-object-attributes names (ETag, Checksum, ObjectParts, StorageClass,
/// ObjectSize) of the latest version or of ?versionId=, without the body. A delete marker answers as HEAD does.
/// </summary>
internal static class GetObjectAttributes
{
    private static readonly string[] Known = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];

    public static async Task HandleAsync(S3Context ctx)
    {
        var bucketName = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        var versionText = ctx.S3.QueryValue("versionId");
        VersionId? versionId = versionText is null ? null : VersionId.Parse(versionText);
        var wanted = Attributes(ctx.Request.Headers["x-amz-object-attributes"]);
        var maxParts = HttpValues.MaxKeys(ctx.Request.Header("x-amz-max-parts"), "max-parts");
        var marker = PartNumberMarker(ctx.Request.Header("x-amz-part-number-marker"));

        var (bucket, version, acl, _) = ctx.Engine.FindVersionWithAcl(bucketName, key, versionId);
        var found = GetObject.Check(version, versionId);
        ctx.Authorizer.CheckObjectOwner(ctx.Principal, bucketName, acl, Core.Acls.AclPermission.Read);
        // Read before the answer starts: a version removed since it was looked up has no parts left to list.
        var parts = wanted.Contains("ObjectParts") && found.PartsCount > 0 ? ctx.Engine.ObjectParts(found) : null;

        ctx.Response.Headers.LastModified = HttpValues.HttpDate(found.LastModified);
        ObjectResponse.WriteVersionId(ctx.Response, bucket, found.VersionId);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "GetObjectAttributesOutput", S3Xml.Namespace);
        // S3 sends this ETag without its quotes.
        if (wanted.Contains("ETag")) await xml.ElementAsync("ETag", found.ETag.Trim('"'));
        if (wanted.Contains("Checksum") && found.Checksum is { } checksum)
        {
            await xml.WriteStartElementAsync(null, "Checksum", null);
            await xml.ElementAsync("Checksum" + checksum.Algorithm, checksum.Value);
            await xml.ElementAsync("ChecksumType", checksum.Type);
            await xml.WriteEndElementAsync();
        }
        if (parts is not null) await WritePartsAsync(xml, parts, found.Checksum is not null, marker, maxParts);
        if (wanted.Contains("StorageClass")) await xml.ElementAsync("StorageClass", "STANDARD");
        if (wanted.Contains("ObjectSize")) await xml.ElementAsync("ObjectSize", found.Size.ToString(CultureInfo.InvariantCulture));
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>
    /// ObjectParts of a multipart object: the part count always; the parts themselves, paged after the marker, only
    /// when the object has a checksum (S3: "if an additional checksum isn't applied to the object, the response
    /// doesn't return the Part element").
    /// </summary>
    private static async Task WritePartsAsync(XmlWriter xml, List<ObjectPart> parts, bool listParts, int marker, int maxParts)
    {
        var first = parts.FindIndex(p => p.PartNumber > marker);
        if (first < 0) first = parts.Count;
        var count = Math.Min(maxParts, parts.Count - first);
        var truncated = first + count < parts.Count;
        await xml.WriteStartElementAsync(null, "ObjectParts", null);
        await xml.ElementAsync("PartsCount", parts.Count.ToString(CultureInfo.InvariantCulture));
        if (listParts)
        {
            await xml.ElementAsync("PartNumberMarker", marker.ToString(CultureInfo.InvariantCulture));
            if (count > 0) await xml.ElementAsync("NextPartNumberMarker", parts[first + count - 1].PartNumber.ToString(CultureInfo.InvariantCulture));
            await xml.ElementAsync("MaxParts", maxParts.ToString(CultureInfo.InvariantCulture));
            await xml.ElementAsync("IsTruncated", truncated ? "true" : "false");
            for (var i = first; i < first + count; i++)
            {
                var part = parts[i];
                await xml.WriteStartElementAsync(null, "Part", null);
                if (part.Checksum is { } checksum) await xml.ElementAsync("Checksum" + checksum.Algorithm, checksum.Value);
                await xml.ElementAsync("PartNumber", part.PartNumber.ToString(CultureInfo.InvariantCulture));
                await xml.ElementAsync("Size", part.Size.ToString(CultureInfo.InvariantCulture));
                await xml.WriteEndElementAsync();
            }
        }
        await xml.WriteEndElementAsync();
    }

    /// <summary>x-amz-object-attributes: one or more comma-separated names, as S3 spells them; any other is InvalidArgument.</summary>
    private static HashSet<string> Attributes(Microsoft.Extensions.Primitives.StringValues header)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in header)
        {
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Array.IndexOf(Known, name) < 0) S3Fail.With(StrataError.InvalidArgument, "Invalid attribute name specified.");
                wanted.Add(name);
            }
        }
        if (wanted.Count == 0) S3Fail.With(StrataError.InvalidArgument, "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty.");
        return wanted;
    }

    private static int PartNumberMarker(string? text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var marker))
        {
            S3Fail.With(StrataError.InvalidArgument, "Provided part-number-marker not an integer or within integer range");
        }
        return marker;
    }
}
