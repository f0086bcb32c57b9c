namespace Strata.Core.Acls;

/// <summary>
/// The x-amz-grant-read/write/read-acp/write-acp/full-control headers: each a comma-separated list of
/// <c>id="…"</c>, <c>uri="…"</c> or <c>emailAddress="…"</c> (quotes optional, as S3 accepts them).
/// </summary>
public static class GrantHeaders
{
    public static readonly (string Header, AclPermission Permission)[] Names =
    [
        ("x-amz-grant-read", AclPermission.Read),
        ("x-amz-grant-write", AclPermission.Write),
        ("x-amz-grant-read-acp", AclPermission.ReadAcp),
        ("x-amz-grant-write-acp", AclPermission.WriteAcp),
        ("x-amz-grant-full-control", AclPermission.FullControl),
    ];

    /// <summary>Adds the header's grantees with <paramref name="permission"/>; null on a malformed list (InvalidArgument at the caller).</summary>
    public static string? Parse(string value, AclPermission permission, List<AclGrant> grants)
    {
        foreach (var item in value.Split(','))
        {
            var entry = item.Trim();
            var equals = entry.IndexOf('=');
            if (equals <= 0) return $"The grant \"{entry}\" is not of the form id=\"…\", uri=\"…\" or emailAddress=\"…\".";
            var type = entry[..equals].Trim();
            var text = entry[(equals + 1)..].Trim();
            if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = text[1..^1];
            if (text.Length == 0) return $"The grant \"{entry}\" names no grantee.";
            AclGrantee? grantee = type.ToLowerInvariant() switch
            {
                "id" => AclGrantee.User(text),
                "uri" => AclGrantee.Group(text),
                "emailaddress" => new AclGrantee(GranteeKind.Email, text),
                _ => null,
            };
            if (grantee is null) return $"The grantee type \"{type}\" is not id, uri or emailAddress.";
            grants.Add(new AclGrant(grantee, permission));
            if (grants.Count > AccessControlList.MaxGrants) return $"An ACL holds at most {AccessControlList.MaxGrants} grants.";
        }
        return null;
    }
}
