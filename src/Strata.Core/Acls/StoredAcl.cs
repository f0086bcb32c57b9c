using System.Text;

namespace Strata.Core.Acls;

/// <summary>
/// The compact stored form of an ACL: the owner's id on the first line, then one grant a line as
/// "u|g id-or-uri PERMISSION". Ids and URIs hold no space or line break; email grants are never stored.
/// </summary>
public static class StoredAcl
{
    public static string Serialize(AccessControlList acl)
    {
        var text = new StringBuilder(acl.OwnerId);
        foreach (var grant in acl.Grants)
        {
            text.Append('\n').Append(grant.Grantee.Kind == GranteeKind.Group ? 'g' : 'u').Append(' ')
                .Append(grant.Grantee.Value).Append(' ').Append(AclPermissions.Name(grant.Permission));
        }
        return text.ToString();
    }

    /// <summary>The owner's canonical id alone (the first line), without parsing the grants.</summary>
    public static string OwnerOf(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    public static AccessControlList Parse(string text)
    {
        var lines = text.Split('\n');
        var grants = new List<AclGrant>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            var grantee = parts[0] == "g" ? AclGrantee.Group(parts[1]) : AclGrantee.User(parts[1]);
            grants.Add(new AclGrant(grantee, AclPermissions.Parse(parts[2]) ?? throw new FormatException("stored ACL permission")));
        }
        return new AccessControlList(lines[0], grants);
    }
}
