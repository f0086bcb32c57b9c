namespace Strata.Core.PublicAccess;

/// <summary>
/// S3, "The meaning of public": an ACL is public when it grants any permission to the predefined AllUsers or
/// AuthenticatedUsers group. These checks read the request's words (a canned ACL, an x-amz-grant-* header's value);
/// an ACL given as XML is the ACL model's to judge.
/// </summary>
public static class PublicAcls
{
    public const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    public const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    /// <summary>public-read, public-read-write and authenticated-read grant to one of the two groups; the others do not.</summary>
    public static bool IsPublicCanned(string cannedAcl) =>
        cannedAcl is "public-read" or "public-read-write" or "authenticated-read";

    /// <summary>
    /// Whether an x-amz-grant-* value (a comma-separated list of id="…", emailAddress="…" or uri="…" grantees)
    /// names AllUsers or AuthenticatedUsers.
    /// </summary>
    public static bool IsPublicGrant(string grantHeaderValue)
    {
        foreach (var part in grantHeaderValue.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals < 0 || !part.AsSpan(0, equals).Trim().Equals("uri", StringComparison.OrdinalIgnoreCase)) continue;
            var uri = part.AsSpan(equals + 1).Trim().Trim('"');
            if (IsPublicGroup(uri)) return true;
        }
        return false;
    }

    /// <summary>Whether a grantee URI is one of the two public groups.</summary>
    public static bool IsPublicGroup(ReadOnlySpan<char> uri) =>
        uri.Equals(AllUsers, StringComparison.Ordinal) || uri.Equals(AuthenticatedUsers, StringComparison.Ordinal);
}
