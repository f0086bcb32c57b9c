using System.Xml;
using Microsoft.AspNetCore.Http;
using Strata.Core.Acls;

namespace Strata.Server.Xml;

/// <summary>Writes S3's &lt;AccessControlPolicy&gt; (GetBucketAcl, GetObjectAcl), with the DisplayName of canonical users.</summary>
internal static class AccessControlPolicyWriter
{
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    public static async Task WriteAsync(HttpResponse response, AccessControlList acl, Func<string, string?> displayName)
    {
        await using var xml = S3Xml.CreateWriter(response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "AccessControlPolicy", S3Xml.Namespace);
        await xml.WriteStartElementAsync(null, "Owner", null);
        await xml.ElementAsync("ID", acl.OwnerId);
        if (displayName(acl.OwnerId) is { } ownerName) await xml.ElementAsync("DisplayName", ownerName);
        await xml.WriteEndElementAsync();
        await xml.WriteStartElementAsync(null, "AccessControlList", null);
        foreach (var grant in acl.Grants)
        {
            await xml.WriteStartElementAsync(null, "Grant", null);
            await WriteGranteeAsync(xml, grant.Grantee, displayName);
            await xml.ElementAsync("Permission", AclPermissions.Name(grant.Permission));
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    // S3: <Grantee xmlns:xsi="…" xsi:type="CanonicalUser"> in S3's own namespace; only the type attribute is xsi's.
    private static async Task WriteGranteeAsync(XmlWriter xml, AclGrantee grantee, Func<string, string?> displayName)
    {
        await xml.WriteStartElementAsync(null, "Grantee", null);
        await xml.WriteAttributeStringAsync("xmlns", "xsi", null, XsiNamespace);
        if (grantee.Kind == GranteeKind.Group)
        {
            await xml.WriteAttributeStringAsync("xsi", "type", XsiNamespace, "Group");
            await xml.ElementAsync("URI", grantee.Value);
        }
        else
        {
            await xml.WriteAttributeStringAsync("xsi", "type", XsiNamespace, "CanonicalUser");
            await xml.ElementAsync("ID", grantee.Value);
            if (displayName(grantee.Value) is { } name) await xml.ElementAsync("DisplayName", name);
        }
        await xml.WriteEndElementAsync();
    }
}
