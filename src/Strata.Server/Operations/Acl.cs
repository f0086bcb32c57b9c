using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// Object ownership is "bucket owner enforced", S3's default: ACLs are off. Reads of an ACL answer the
/// owner's FULL_CONTROL so clients that ask keep working; setting any other ACL is AccessControlListNotSupported.
/// </summary>
internal static class Acl
{
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>The bucket, or the object (version) the ACL belongs to, must exist: NoSuchBucket, NoSuchKey, NoSuchVersion, 405 for a marker.</summary>
    private static void RequireTarget(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        if (ctx.S3.Key is not { } key)
        {
            ctx.Engine.GetBucket(bucket);
            return;
        }
        var versionText = ctx.S3.QueryValue("versionId");
        VersionId? versionId = versionText is null ? null : VersionId.Parse(versionText);
        GetObject.Check(ctx.Engine.FindVersion(bucket, key, versionId).Version, versionId);
    }

    public static async Task GetAsync(S3Context ctx)
    {
        RequireTarget(ctx);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "AccessControlPolicy", S3Xml.Namespace);
        await BucketOperations.WriteOwnerAsync(xml, ctx.BucketOwner);
        await xml.WriteStartElementAsync(null, "AccessControlList", null);
        await xml.WriteStartElementAsync(null, "Grant", null);
        // S3: <Grantee xmlns:xsi="…" xsi:type="CanonicalUser"> in S3's own namespace; only the type attribute is xsi's.
        await xml.WriteStartElementAsync(null, "Grantee", null);
        await xml.WriteAttributeStringAsync("xmlns", "xsi", null, XsiNamespace);
        await xml.WriteAttributeStringAsync("xsi", "type", XsiNamespace, "CanonicalUser");
        await xml.ElementAsync("ID", ctx.BucketOwner.CanonicalId);
        await xml.ElementAsync("DisplayName", ctx.BucketOwner.DisplayName);
        await xml.WriteEndElementAsync();
        await xml.ElementAsync("Permission", "FULL_CONTROL");
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>
    /// S3 with ACLs disabled still accepts an ACL that only grants the bucket owner FULL_CONTROL, canned or as
    /// XML (s3cmd's cp copies the source's ACL so); any other grant is AccessControlListNotSupported.
    /// </summary>
    public static async Task PutAsync(S3Context ctx)
    {
        RequireTarget(ctx);
        if ((ctx.Caller.PayloadLength ?? ctx.Request.ContentLength ?? 0) == 0) return; // the canned ACL was checked by AclHeaders
        if (!await GrantsOnlyOwnerFullControlAsync(ctx.Caller.Payload, ctx.BucketOwner.CanonicalId)) S3Fail.With(StrataError.AccessControlListNotSupported);
    }

    // An ACL is a small document (the reader caps its size and refuses DTDs), so it is read whole.
    private static async Task<bool> GrantsOnlyOwnerFullControlAsync(Stream body, string ownerId)
    {
        System.Xml.Linq.XDocument document;
        try
        {
            using var reader = S3Xml.CreateReader(body);
            document = await System.Xml.Linq.XDocument.LoadAsync(reader, System.Xml.Linq.LoadOptions.None, CancellationToken.None);
        }
        catch (System.Xml.XmlException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
        System.Xml.Linq.XNamespace xsi = XsiNamespace;
        var grants = document.Descendants().Where(e => e.Name.LocalName == "Grant").ToList();
        foreach (var grant in grants)
        {
            var grantee = grant.Elements().FirstOrDefault(e => e.Name.LocalName == "Grantee");
            var type = grantee?.Attribute(xsi + "type")?.Value;
            var id = grantee?.Elements().FirstOrDefault(e => e.Name.LocalName == "ID")?.Value;
            var permission = grant.Elements().FirstOrDefault(e => e.Name.LocalName == "Permission")?.Value;
            if (type is not (null or "CanonicalUser") || id != ownerId || permission != "FULL_CONTROL") return false;
        }
        return grants.Count > 0;
    }
}

/// <summary>Canned ACLs and grants on writes: only those that change nothing under bucket-owner-enforced ownership.</summary>
internal static class AclHeaders
{
    public static void Check(S3Operation operation, HttpRequest request)
    {
        if (operation is not (S3Operation.PutObject or S3Operation.CopyObject or S3Operation.CreateMultipartUpload or S3Operation.CreateBucket
            or S3Operation.PutBucketAcl or S3Operation.PutObjectAcl))
        {
            return;
        }
        var canned = request.Headers["x-amz-acl"].ToString();
        if (canned.Length > 0 && canned is not ("private" or "bucket-owner-full-control")) S3Fail.With(StrataError.AccessControlListNotSupported);
        foreach (var (name, _) in request.Headers)
        {
            if (name.StartsWith("x-amz-grant-", StringComparison.OrdinalIgnoreCase)) S3Fail.With(StrataError.AccessControlListNotSupported);
        }
    }
}
