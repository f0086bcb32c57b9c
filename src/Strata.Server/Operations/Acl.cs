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
    public static async Task GetAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        if (ctx.S3.Key is { } key)
        {
            var versionText = ctx.S3.QueryValue("versionId");
            var (_, version) = ctx.Engine.FindVersion(bucket, key, versionText is null ? null : VersionId.Parse(versionText));
            GetObject.Check(version, versionText is null ? null : VersionId.Parse(versionText));
        }
        else
        {
            ctx.Engine.GetBucket(bucket);
        }
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "AccessControlPolicy", S3Xml.Namespace);
        await BucketOperations.WriteOwnerAsync(xml, ctx.Settings);
        await xml.WriteStartElementAsync(null, "AccessControlList", null);
        await xml.WriteStartElementAsync(null, "Grant", null);
        await xml.WriteStartElementAsync("xsi", "Grantee", "http://www.w3.org/2001/XMLSchema-instance");
        await xml.WriteAttributeStringAsync("xsi", "type", "http://www.w3.org/2001/XMLSchema-instance", "CanonicalUser");
        await xml.ElementAsync("ID", ctx.Settings.OwnerId);
        await xml.ElementAsync("DisplayName", ctx.Settings.OwnerDisplayName);
        await xml.WriteEndElementAsync();
        await xml.ElementAsync("Permission", "FULL_CONTROL");
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static Task PutAsync(S3Context ctx)
    {
        if (ctx.Request.ContentLength > 0 || ctx.Caller.PayloadLength > 0) S3Fail.With(StrataError.AccessControlListNotSupported);
        return Task.CompletedTask; // the canned ACL was checked by AclHeaders: private or bucket-owner-full-control change nothing
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
